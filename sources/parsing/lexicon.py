"""Word lists the plain parser falls back on when the database knows no names yet."""
from __future__ import annotations

# country (or state) -> its demonyms / adjectival forms
COUNTRIES: dict[str, tuple[str, ...]] = {
    "Syria": ("Syrian",), "Syrian Arab Republic": ("Syrian",), "Russia": ("Russian",),
    "Iran": ("Iranian",), "Iraq": ("Iraqi",), "Turkey": ("Turkish",), "Lebanon": ("Lebanese",),
    "Israel": ("Israeli",), "Jordan": ("Jordanian",), "Egypt": ("Egyptian",), "Libya": ("Libyan",),
    "Yemen": ("Yemeni",), "Saudi Arabia": ("Saudi",), "United Arab Emirates": ("Emirati", "UAE"),
    "Qatar": ("Qatari",), "Kuwait": ("Kuwaiti",), "Bahrain": ("Bahraini",), "Sudan": ("Sudanese",),
    "Afghanistan": ("Afghan",), "Pakistan": ("Pakistani",), "India": ("Indian",), "China": ("Chinese",),
    "Japan": ("Japanese",), "North Korea": ("North Korean",), "South Korea": ("South Korean",),
    "North Vietnam": ("North Vietnamese",), "South Vietnam": ("South Vietnamese",),
    "United States": ("American", "U.S.", "US"), "United Kingdom": ("British", "UK"),
    "France": ("French",), "Germany": ("German",), "Nazi Germany": ("German",), "Italy": ("Italian",),
    "Soviet Union": ("Soviet",), "Ukraine": ("Ukrainian",), "Belarus": ("Belarusian",),
    "Poland": ("Polish",), "Hungary": ("Hungarian",), "Romania": ("Romanian",), "Finland": ("Finnish",),
    "Philippines": ("Philippine", "Filipino"), "Australia": ("Australian",), "Canada": ("Canadian",),
    "New Zealand": ("New Zealand",), "Thailand": ("Thai",), "Netherlands": ("Dutch",),
    "Belgium": ("Belgian",), "Greece": ("Greek",), "Austria": ("Austrian",),
    "Austria-Hungary": ("Austro-Hungarian",), "Ottoman Empire": ("Ottoman",), "Serbia": ("Serbian",),
    "Croatia": ("Croatian",), "Georgia": ("Georgian",), "Armenia": ("Armenian",),
    "Azerbaijan": ("Azerbaijani",), "Somalia": ("Somali",), "Ethiopia": ("Ethiopian",),
    "Mali": ("Malian",), "Nigeria": ("Nigerian",), "Chad": ("Chadian",), "Morocco": ("Moroccan",),
    "Algeria": ("Algerian",), "Tunisia": ("Tunisian",), "Spain": ("Spanish",), "Norway": ("Norwegian",),
    "Colombia": ("Colombian",), "Mexico": ("Mexican",), "Cuba": ("Cuban",), "Yugoslavia": ("Yugoslav",),
    "Czechoslovakia": ("Czechoslovak",), "United Nations": ("UN",), "Kurdistan": ("Kurdish",),
    "Chechnya": ("Chechen",),
}

# well-known non-state parties, named as one unit of text
PARTIES = (
    "ISIL", "ISIS", "Islamic State", "Islamic State of Iraq and the Levant", "Hezbollah", "Viet Cong",
    "Houthis", "Ansar Allah", "Hamas", "Taliban", "Al-Qaeda", "Al-Nusra Front", "Wagner Group",
    "Peshmerga", "Syrian Democratic Forces", "Free Syrian Army", "NATO", "Abu Sayyaf", "Maute Group",
    "Popular Mobilization Forces",
)

DEMONYMS: dict[str, str] = {}
for _country, _forms in COUNTRIES.items():
    for _form in _forms:
        DEMONYMS.setdefault(_form.lower(), _country)

# last words of an armed-force or organisation name: a name ends after one of them
SUFFIXES = {
    "forces", "force", "army", "armies", "navy", "brigade", "brigades", "division", "divisions",
    "regiment", "regiments", "battalion", "battalions", "corps", "fleet", "front", "movement",
    "militia", "militias", "guard", "guards", "group", "groups", "legion", "command", "units",
    "unit", "party", "organization", "organisation", "council", "coalition", "committees", "marines",
    "squadron", "wing", "battery", "company", "detachment", "advisors", "volunteers", "contingent",
    "police", "gendarmerie", "mobilization", "resistance", "alliance",
}
# words that start an organisation name (Arabic "brigade", "battalions", "movement", ...)
NAME_STARTERS = {
    "liwa", "liwaa", "kata'ib", "kataib", "harakat", "jaish", "jabhat", "ansar", "hay'at", "saraya",
    "asa'ib", "firqat", "faylaq", "ahrar", "operation",
}
# lower-case words that may sit inside a name
PARTICLES = {
    "of", "the", "and", "al", "el", "de", "du", "des", "la", "le", "von", "van", "der", "den", "ibn",
    "bin", "bint", "abu", "da", "di", "y", "e", "for", "in", "an", "ash", "as", "ad", "ar", "az",
}
DIRECTIONS = {"north", "south", "east", "west", "centre", "center", "central", "northern", "southern",
              "eastern", "western", "reserve", "group", "tank", "panzer", "mechanized", "infantry",
              "airborne", "marine"}
ORDINAL_WORDS = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                 "tenth", "eleventh", "twelfth"}
# result phrases
RESULT_WORDS = ("victory", "defeat", "success", "failure", "stalemate", "withdrawal", "ceasefire",
                "retreat", "win")
RESULT_QUALIFIERS = {"decisive", "partial", "major", "pyrrhic", "tactical", "strategic", "limited",
                     "overall", "military", "political", "initial", "marginal", "complete", "total"}
STRENGTH_NOUNS = {
    "fighters", "troops", "soldiers", "men", "personnel", "tanks", "aircraft", "planes", "guns",
    "vehicles", "ships", "reinforcements", "militants", "marines", "sailors", "artillery", "helicopters",
    "divisions", "brigades", "battalions", "regiments", "drones", "boats", "warships", "pieces",
    "mortars", "insurgents", "rebels", "volunteers", "police", "policemen", "paratroopers", "armour",
    "armor", "apcs", "afvs", "combatants", "strong",
}
CASUALTY_WORDS = {"killed", "wounded", "captured", "missing", "dead", "casualties", "losses", "lost",
                  "destroyed", "injured", "prisoners", "prisoner", "pows", "executed", "surrendered",
                  "damaged", "deaths", "shot"}
# words a result names a party with that are not a party's name ("Allied military victory")
RESULT_ADJECTIVES = {"allied", "allies", "coalition", "government", "rebel", "rebels", "communist",
                     "loyalist", "pro-government", "anti-government", "opposition", "insurgent", "militant",
                     "jihadist", "nationalist", "royalist"}
# words that continue a known name into an armed-force name ("United States Army")
FORCE_ADJECTIVES = {"armed", "ground", "air", "marine", "naval", "national", "special", "republican",
                    "presidential", "aerospace", "airborne", "land", "coast", "territorial", "defence",
                    "defense", "military", "people's"}
# generic nouns that continue a place name into a party's name ("Kurdistan Region")
CONTINUATIONS = {"region", "republic", "government", "province", "governorate", "oblast", "kingdom", "empire",
                 "federation", "state", "emirate", "authority", "administration"}
