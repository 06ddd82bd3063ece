"""Saved article pages (HTML) rendered into the structured format: ``sources.parsing.html``.

The pages below are written here in the markup Wikipedia renders (the Vector 2022 skin with
``div.mw-heading`` wrappers, the Vector 2010 skin with ``span.mw-headline`` and ``span.mw-editsection``,
the mobile site's sections) and in a mirror's, about real offensives, in our own words.
"""

from __future__ import annotations

import datetime
import time

import pytest

from sources.parsing import coords
from sources.parsing.html import edited_time, looks_like_article, nesting_cuts, render_html
from sources.parsing.records import ParseError
from sources.parsing.rendering import WIKIPEDIA_LICENCE
from sources.parsing.structured import parse_structured

# ---- page skeletons --------------------------------------------------------------------------------

RLCONF = (
    '<script>(function(){var className="client-js vector-feature-language-in-header-enabled";'
    'document.documentElement.className=className;}());RLCONF={"wgBreakFrames":false,'
    '"wgSeparatorTransformTable":["",""],"wgDefaultDateFormat":"dmy","wgMonthNames":["","January","February"],'
    '"wgRequestId":"7f1c0a","wgCanonicalNamespace":"","wgNamespaceNumber":0,"wgPageName":"{page}",'
    '"wgTitle":"{title}","wgCurRevisionId":{rev},"wgRevisionId":{rev},"wgArticleId":196339,"wgIsArticle":true,'
    '"wgAction":"view","wgUserName":null,"wgRelevantPageName":"{page}","wgMFDisplayWikibaseDescriptions":'
    '{{"search":true}},"wgWikibaseItemId":"Q130861"}};RLSTATE={{"ext.gadget.charinsert-styles":"ready",'
    '"skins.vector.styles":"ready"}};RLPAGEMODULES=["ext.cite.ux-enhancements","site","mediawiki.page.ready"];'
    "</script>\n"
    '<script>(RLQ=window.RLQ||[]).push(function(){{mw.loader.impl(function(){{return["user.options@12s5i",'
    'function($,jQuery,require,module){{mw.user.tokens.set({{"patrolToken":"+\\\\","csrfToken":"+\\\\"}});'
    "var s='<div class=\"x\"><div>';}}];}});}});</script>\n"
)

FOOTER_2022 = """<div class="mw-footer-container">
<footer id="footer" class="mw-footer" >
<ul id="footer-info">
<li id="footer-info-lastmod"> This page was last edited on {edited}<span class="anonymous-show">&#160;(UTC)</span>.</li>
<li id="footer-info-copyright">Text is available under the <a rel="nofollow" class="external text"
 href="https://creativecommons.org/licenses/by-sa/4.0/deed.en">Creative Commons Attribution-ShareAlike 4.0
 License</a>; additional terms may apply.</li>
</ul>
<ul id="footer-places"><li id="footer-places-privacy"><a
href="https://foundation.wikimedia.org/wiki/Special:MyLanguage/Policy:Privacy_policy">Privacy policy</a></li>
<li id="footer-places-about"><a href="/wiki/Wikipedia:About">About Wikipedia</a></li></ul>
</footer>
</div>"""


def vector2022(title: str, content: str, *, rev: int = 1187654321, edited: str = "3 March 2023, at 10:15",
               ending: str = "</body>\n</html>\n") -> str:
    page = title.replace(" ", "_")
    rl = RLCONF.replace("{page}", page).replace("{title}", title).replace("{rev}", str(rev))
    rl = rl.replace("{{", "{").replace("}}", "}")
    return f"""<!DOCTYPE html>
<html class="client-nojs vector-feature-language-in-header-enabled vector-feature-toc-pinned-clientpref-1" lang="en"
dir="ltr">
<head>
<meta charset="UTF-8">
<title>{title} - Wikipedia</title>
{rl}
<link rel="stylesheet"
href="/w/load.php?lang=en&amp;modules=site.styles%7Cskins.vector.styles&amp;only=styles&amp;skin=vector-2022">
<script async="" src="/w/load.php?lang=en&amp;modules=startup&amp;only=scripts&amp;raw=1&amp;skin=vector-2022"></script>
<meta name="generator" content="MediaWiki 1.41.0-wmf.5">
<meta property="og:title" content="{title} - Wikipedia">
<meta property="og:type" content="website">
<link rel="canonical" href="https://en.wikipedia.org/wiki/{page}">
</head>
<body class="skin-vector skin-vector-search-vue mediawiki ltr sitedir-ltr mw-hide-empty-elt ns-0 ns-subject
 mw-editable page-{page} skin-vector-2022 action-view"><a class="mw-jump-link" href="#bodyContent">Jump to content</a>
<div class="vector-header-container">
<header class="vector-header mw-header"><div class="vector-header-start"><a href="/wiki/Main_Page" class="mw-logo">
<span class="mw-logo-container">Wikipedia The Free Encyclopedia</span></a></div>
<div class="vector-header-end"><div id="p-search" role="search" class="vector-search-box-vue"><form
action="/w/index.php" id="searchform">
<input type="search" name="search" placeholder="Search Wikipedia"></form></div></div></header>
</div>
<div class="mw-page-container">
<div class="mw-page-container-inner">
<div class="vector-sitenotice-container"><div id="siteNotice"><!-- CentralNotice --></div></div>
<div class="vector-column-start"><div class="vector-sticky-pinned-container">
<nav id="mw-panel-toc" aria-label="Contents" class="mw-table-of-contents-container vector-toc-landmark">
<div id="vector-toc" class="vector-toc vector-pinnable-element"><div class="vector-pinnable-header-label">Contents</div>
<ul class="vector-toc-contents" id="mw-panel-toc-list"><li id="toc-mw-content-text"
class="vector-toc-list-item vector-toc-level-1">
<a href="#" class="vector-toc-link"><div class="vector-toc-text">(Top)</div></a></li>
<li id="toc-Background" class="vector-toc-list-item vector-toc-level-1"><a class="vector-toc-link" href="#Background">
<div class="vector-toc-text"><span class="vector-toc-numb">1</span><span>Background</span></div></a></li></ul></div>
</nav></div></div>
<div class="mw-content-container">
<main id="content" class="mw-body">
<header class="mw-body-header vector-page-titlebar">
<h1 id="firstHeading" class="firstHeading mw-first-heading"><span class="mw-page-title-main">{title}</span></h1>
<div id="p-lang-btn" class="vector-dropdown mw-portlet mw-portlet-lang"><span class="vector-dropdown-label-text">52
languages</span></div>
</header>
<div class="vector-page-toolbar"><div class="vector-page-toolbar-container"><nav aria-label="Views">
<ul><li id="ca-view" class="selected vector-tab-noicon mw-list-item"><a href="/wiki/{page}"><span>Read</span></a></li>
<li id="ca-edit" class="vector-tab-noicon mw-list-item"><a
href="/w/index.php?title={page}&amp;action=edit"><span>Edit</span></a></li></ul></nav>
<div id="p-tb" class="vector-menu mw-portlet mw-portlet-tb"><ul class="vector-menu-content-list">
<li id="t-permalink" class="mw-list-item"><a href="/w/index.php?title={page}&amp;oldid={rev}"
title="Permanent link to this revision of this page"><span>Permanent link</span></a></li>
</ul></div></div></div>
<div id="bodyContent" class="vector-body" aria-labelledby="firstHeading" data-mw-ve-target-container>
<div class="vector-body-before-content"><div class="mw-indicators"></div>
<div id="siteSub" class="noprint">From Wikipedia, the free encyclopedia</div></div>
<div id="contentSub"><div id="mw-content-subtitle"></div></div>
<div id="mw-content-text" class="mw-body-content"><div class="mw-content-ltr mw-parser-output" lang="en"
dir="ltr">{content}</div><noscript><img src="https://login.wikimedia.org/wiki/Special:CentralAutoLogin/start?type=1x1"
alt="" width="1" height="1" style="border: none; position: absolute;"></noscript>
<div class="printfooter" data-nosnippet="">Retrieved from "<a dir="ltr"
href="https://en.wikipedia.org/w/index.php?title={page}&amp;oldid={rev}">https://en.wikipedia.org/w/index.php?title={page}&amp;oldid={rev}</a>"</div></div>
<div id="catlinks" class="catlinks" data-mw="interface"><div id="mw-normal-catlinks" class="mw-normal-catlinks">
<a href="/wiki/Help:Category" title="Help:Category">Categories</a>: <ul><li><a
href="/wiki/Category:1943_in_the_Soviet_Union">1943 in the Soviet Union</a></li></ul></div></div>
</div>
</main>
</div>
{FOOTER_2022.format(edited=edited)}
</div>
</div>
<div class="vector-settings" id="p-dock-bottom"><ul><li><button class="cdx-button"
data-event-name="pinnable-header.vector-appearance.unpin">Toggle limited content width</button></li></ul></div>
<script>(RLQ=window.RLQ||[]).push(function(){{mw.config.set({{"wgHostname":"mw-web.eqiad.main-5d7","wgBackendResponseTime":141}});}});</script>
<script type="application/ld+json">{{"@context":"https:\\/\\/schema.org","@type":"Article","name":"{title}",
"url":"https:\\/\\/en.wikipedia.org\\/wiki\\/{page}","datePublished":"2003-01-14T12:01:00Z",
"dateModified":"2023-03-03T10:15:31Z"}}</script>
{ending}"""


def vector2010(title: str, content: str, *, rev: int = 1093112233, edited: str = "14 June 2022, at 08:05") -> str:
    page = title.replace(" ", "_")
    rl = RLCONF.replace("{page}", page).replace("{title}", title).replace("{rev}", str(rev))
    rl = rl.replace("{{", "{").replace("}}", "}")
    return f"""<!DOCTYPE html>
<html class="client-nojs" lang="en" dir="ltr">
<head>
<meta charset="UTF-8"/>
<title>{title} - Wikipedia</title>
{rl}
<link rel="stylesheet"
href="/w/load.php?lang=en&amp;modules=ext.cite.styles%7Cskins.vector.styles.legacy&amp;only=styles&amp;skin=vector"/>
<meta name="generator" content="MediaWiki 1.39.0-wmf.15"/>
<link rel="canonical" href="https://en.wikipedia.org/wiki/{page}"/>
</head>
<body class="mediawiki ltr sitedir-ltr mw-hide-empty-elt ns-0 ns-subject mw-editable page-{page} skin-vector
 action-view skin-vector-legacy"><div id="mw-page-base" class="noprint"></div>
<div id="mw-head-base" class="noprint"></div>
<div id="content" class="mw-body" role="main">
	<a id="top"></a>
	<div id="siteNotice" class="mw-body-content"><!-- CentralNotice --></div>
	<div class="mw-indicators mw-body-content"></div>
	<h1 id="firstHeading" class="firstHeading mw-first-heading">{title}</h1>
	<div id="bodyContent" class="vector-body">
		<div id="siteSub" class="noprint">From Wikipedia, the free encyclopedia</div>
		<div id="contentSub"></div>
		<div id="contentSub2"></div>
		<div id="jump-to-nav"></div>
		<a class="mw-jump-link" href="#mw-head">Jump to navigation</a>
		<a class="mw-jump-link" href="#searchInput">Jump to search</a>
		<div id="mw-content-text" class="mw-body-content mw-content-ltr" lang="en" dir="ltr"><div
class="mw-parser-output">{content}</div>
<noscript><img src="//en.wikipedia.org/wiki/Special:CentralAutoLogin/start?type=1x1" alt="" title="" width="1"
height="1" style="border: none; position: absolute;" /></noscript>
<div class="printfooter">Retrieved from "<a dir="ltr"
href="https://en.wikipedia.org/w/index.php?title={page}&amp;oldid={rev}">https://en.wikipedia.org/w/index.php?title={page}&amp;oldid={rev}</a>"</div></div>
		<div id="catlinks" class="catlinks" data-mw="interface">
<div id="mw-normal-catlinks" class="mw-normal-catlinks"><a
href="/wiki/Help:Category">Categories</a>: <ul><li><a
href="/wiki/Category:Military_operations_of_the_Syrian_civil_war_in_2015">Military operations of the Syrian civil war
in 2015</a></li></ul></div></div>
	</div>
</div>
<div id='mw-data-after-content'><div class="read-more-container"></div></div>
<div id="mw-navigation">
	<h2>Navigation menu</h2>
	<div id="mw-head"><nav id="p-personal" class="vector-menu mw-portlet" aria-labelledby="p-personal-label"
role="navigation"><h3 id="p-personal-label">Personal tools</h3>
	<ul><li id="pt-login"><a href="/w/index.php?title=Special:UserLogin">Log in</a></li></ul></nav></div>
	<div id="mw-panel"><nav id="p-tb" class="vector-menu mw-portlet vector-menu-portal portal"
role="navigation"><h3>Tools</h3>
	<ul><li id="t-permalink"><a href="/w/index.php?title={page}&amp;oldid={rev}"
title="Permanent link to this revision of the page">Permanent link</a></li></ul></nav></div>
</div>
<footer id="footer" class="mw-footer" role="contentinfo" >
	<ul id="footer-info">
	<li id="footer-info-lastmod"> This page was last edited on {edited}<span
class="anonymous-show">&#160;(UTC)</span>.</li>
	<li id="footer-info-copyright">Text is available under the <a rel="license"
href="//en.wikipedia.org/wiki/Wikipedia:Text_of_Creative_Commons_Attribution-ShareAlike_3.0_Unported_License">Creative
Commons Attribution-ShareAlike License 3.0</a><a rel="license" href="//creativecommons.org/licenses/by-sa/3.0/"
style="display:none;"></a>;
additional terms may apply.</li>
	</ul>
</footer>
<script>(RLQ=window.RLQ||[]).push(function(){{mw.config.set({{"wgBackendResponseTime":120}});}});</script>
</body>
</html>
"""


def mobile(title: str, content: str, *, rev: int = 1185550001) -> str:
    page = title.replace(" ", "_")
    rl = RLCONF.replace("{page}", page).replace("{title}", title).replace("{rev}", str(rev))
    rl = rl.replace("{{", "{").replace("}}", "}")
    return f"""<!DOCTYPE html>
<html class="client-nojs skin-theme-clientpref-day mf-expand-sections-clientpref-0 mf-font-size-clientpref-small"
lang="en" dir="ltr">
<head>
<meta charset="UTF-8">
<title>{title} - Wikipedia</title>
{rl}
<meta name="viewport"
content="initial-scale=1.0, user-scalable=yes, minimum-scale=0.25, maximum-scale=5.0, width=device-width">
<link rel="canonical" href="https://en.wikipedia.org/wiki/{page}">
</head>
<body class="mediawiki ltr sitedir-ltr mw-hide-empty-elt ns-0 ns-subject mw-editable page-{page} stable
 issues-group-B skin-minerva action-view skin--responsive mw-mf-amc-disabled mw-mf"><div id="mw-mf-viewport">
<div id="mw-mf-page-center">
<a class="mw-mf-page-center__mask" href="#"></a>
<div class="header-container header-chrome"><div class="minerva-header"><nav
class="navigation-drawer toggle-list view-border-box">
<ul><li><a href="/wiki/Main_Page">Home</a></li><li><a href="/wiki/Special:Random">Random</a></li></ul></nav>
<div class="branding-box"><a href="/wiki/Main_Page"><span><img
src="/static/images/mobile/copyright/wikipedia-wordmark-en.svg" alt="Wikipedia" width="120"
height="18"></span></a></div>
<form action="/w/index.php" method="get" class="minerva-search-form"><input type="search" name="search"
placeholder="Search Wikipedia"></form></div></div>
<main id="content" class="mw-body">
<div class="banner-container"><div id="siteNotice"></div></div>
<div class="pre-content heading-holder"><div class="page-heading"><h1 id="firstHeading"
class="firstHeading mw-first-heading"><span class="mw-page-title-main">{title}</span></h1>
<div class="tagline"></div></div>
<nav class="page-actions-menu"><ul id="p-views" class="page-actions-menu__list"><li id="language-selector"
class="page-actions-menu__list-item">
<a role="button" href="#p-lang" class="cdx-button">Language</a></li></ul></nav></div>
<div id="bodyContent" class="content">
<div id="mw-content-text" class="mw-body-content"><script>function
mfTempOpenSection(id){{var block=document.getElementById("mf-section-"+id);block.className+=" open-block";}}</script>
<div class="mw-content-ltr mw-parser-output" lang="en" dir="ltr">{content}</div></div>
<div class="printfooter">Retrieved from "<a dir="ltr"
href="https://en.wikipedia.org/w/index.php?title={page}&amp;oldid={rev}">https://en.wikipedia.org/w/index.php?title={page}&amp;oldid={rev}</a>"</div>
</div>
<div class="post-content" id="page-secondary-actions"></div>
</main>
<footer class="mw-footer minerva-footer" role="contentinfo">
<a class="last-modified-bar" href="/wiki/Special:History/{page}">
<div class="post-content last-modified-bar__content"><span
class="minerva-icon minerva-icon-size-medium minerva-icon--modified-history"></span>
<span class="last-modified-bar__text modified-enhancement" data-user-name="SomeEditor" data-user-gender="unknown"
data-timestamp="1700000000"><span>Last edited on 14 November 2023, at 22:13</span></span>
<span class="minerva-icon minerva-icon-size-small minerva-icon--expand"></span></div></a>
<div class="post-content footer-content">
<div id="p-footer-info" class="footer-info hlist"><div id="footer-info-copyright">Content is available under <a
class="external" rel="nofollow" href="https://creativecommons.org/licenses/by-sa/4.0/deed.en">CC BY-SA 4.0</a> unless
otherwise noted.</div></div>
</div>
</footer>
</div>
</div>
</body>
</html>
"""


def flag(country: str) -> str:
    """``{{flagicon|...}}`` as rendered: an image in a span, then a no-break space."""
    return (f'<span class="flagicon"><span class="mw-image-border" typeof="mw:File"><span>'
            f'<img alt="" src="//upload.wikimedia.org/wikipedia/commons/thumb/a/a1/Flag_of_{country}.svg/23px-Flag_of_'
            f'{country}.svg.png" decoding="async" width="23" height="15" class="mw-file-element"></span></span>'
            f"&nbsp;</span>")


def ref(n: int | str) -> str:
    return (f'<sup id="cite_ref-{n}" class="reference"><a href="#cite_note-{n}"><span class="cite-bracket">&#91;'
            f'</span>{n}<span class="cite-bracket">&#93;</span></a></sup>')


def heading2022(level: int, name: str) -> str:
    anchor = name.replace(" ", "_")
    return (f'<div class="mw-heading mw-heading{level}"><h{level} id="{anchor}">{name}</h{level}>'
            f'<span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="/w/index.php?'
            f'title=X&amp;action=edit&amp;section=1" title="Edit section: {name}"><span>edit</span></a>'
            f'<span class="mw-editsection-bracket">]</span></span></div>\n')


def heading2010(level: int, name: str) -> str:
    anchor = name.replace(" ", "_")
    return (f'<h{level}><span class="mw-headline" id="{anchor}">{name}</span><span class="mw-editsection">'
            f'<span class="mw-editsection-bracket">[</span><a href="/w/index.php?title=X&amp;action=edit&amp;'
            f'section=2" title="Edit section: {name}">edit</a><span class="mw-editsection-bracket">]</span>'
            f"</span></h{level}>\n")


def geo(lat_dms: str, lon_dms: str, lat: float, lon: float) -> str:
    """``{{coord}}`` as rendered in an infobox: degrees shown, decimal hidden, a link to GeoHack."""
    return (
        '<span class="geo-inline"><style data-mw-deduplicate="TemplateStyles:r1156832818">.mw-parser-output '
        '.geo-default,.mw-parser-output .geo-dms{display:inline}</style><span class="plainlinks nourlexpansion">'
        '<a class="external text" href="https://geohack.toolforge.org/geohack.php?pagename=X&amp;params=1_N_2_E_">'
        f'<span class="geo-default"><span class="geo-dms" title="Maps, aerial photos, and other data for this '
        f'location"><span class="latitude">{lat_dms}</span> <span class="longitude">{lon_dms}</span></span></span>'
        '<span class="geo-multi-punct">&#xfeff; / &#xfeff;</span><span class="geo-nondefault"><span class="geo-dec" '
        f'title="Maps, aerial photos, and other data for this location">{abs(lat)}°N {abs(lon)}°E</span>'
        f'<span style="display:none">&#xfeff; / <span class="geo">{lat}; {lon}</span></span></span></a></span></span>'
    )


REFLIST = """<div class="reflist reflist-columns references-column-width" style="column-width: 30em;">
<div class="mw-references-wrap mw-references-columns"><ol class="references">
<li id="cite_note-1"><span class="mw-cite-backlink"><b><a href="#cite_ref-1">^</a></b></span> <span
class="reference-text">
<cite class="citation book cs1">Glantz, David M.; House, Jonathan M. (1999). <i>The Battle of Kursk</i>. Lawrence:
University Press of Kansas.</cite></span></li>
<li id="cite_note-2"><span class="mw-cite-backlink"><b><a href="#cite_ref-2">^</a></b></span> <span
class="reference-text">Zetterling &amp; Frankson 2000, p. 18.</span></li>
</ol></div></div>"""

NAVBOX = """<div class="navbox-styles">
<style data-mw-deduplicate="TemplateStyles:r1129693374">.mw-parser-output .hlist dl{margin:0}</style></div>
<div role="navigation" class="navbox" aria-labelledby="Eastern_Front_campaigns" style="padding:3px"><table
class="nowraplinks mw-collapsible autocollapse navbox-inner"><tbody>
<tr><th scope="col" class="navbox-title" colspan="2"><div id="Eastern_Front_campaigns">Eastern Front campaigns in
navbox</div></th></tr>
<tr><th scope="row" class="navbox-group">1943</th><td class="navbox-list"><div><ul><li><a
href="/wiki/Operation_Kutuzov">Operation Kutuzov in navbox</a></li></ul></div></td></tr>
</tbody></table></div>"""

# ---- the Battle of Kursk, Vector 2022 ---------------------------------------------------------------

KURSK_BOX = f"""<table class="infobox vevent"
 style="width:315px;float:right;clear:right;margin:0 0 1em 1em;border-collapse:separate;line-height:1.5em">
<tbody><tr><th colspan="2" class="summary"
style="background-color:#B0C4DE;text-align:center;vertical-align:middle;font-size:110%">Battle of Kursk</th></tr>
<tr><td colspan="2" style="background-color:#DCDCDC;text-align:center;vertical-align:middle">Part of the <a
href="/wiki/Eastern_Front_(World_War_II)" title="Eastern Front (World War II)">Eastern Front</a> of <a
href="/wiki/World_War_II" title="World War II">World War II</a></td></tr>
<tr><td colspan="2" style="text-align:center"><span class="mw-default-size" typeof="mw:File/Frameless"><a
href="/wiki/File:Kursk_collage.jpg" class="mw-file-description"><img
src="//upload.wikimedia.org/wikipedia/commons/thumb/Kursk_collage.jpg/300px-Kursk_collage.jpg" decoding="async"
width="300" height="282" class="mw-file-element"></a></span><br>A collage of images from the battle, photographed by
several war correspondents</td></tr>
<tr><td colspan="2"><table style="width:100%;margin:0;padding:0;border:0"><tbody>
<tr><th style="padding-right:1em">Date</th><td>5 July – 23 August 1943<br>(1&nbsp;month, 2&nbsp;weeks and
4&nbsp;days)</td></tr>
<tr><th style="padding-right:1em">Location</th><td><div class="location"><a href="/wiki/Kursk" title="Kursk">Kursk</a>,
<a href="/wiki/Oryol">Oryol</a> and <a href="/wiki/Kharkiv">Kharkov</a> regions, <a href="/wiki/Russian_SFSR">Russian
SFSR</a> and <a href="/wiki/Ukrainian_SSR">Ukrainian SSR</a>, <a href="/wiki/Soviet_Union">Soviet
Union</a></div>{geo("51°30′N", "36°03′E", 51.5, 36.05)}</td></tr>
<tr><th style="padding-right:1em">Result</th><td class="status">
<p>Soviet victory{ref(1)}</p></td></tr>
</tbody></table></td></tr>
<tr><th colspan="2" style="background-color:#B0C4DE;text-align:center;vertical-align:middle">Belligerents</th></tr>
<tr><td style="width:50%;border-right:1px dotted #aaa">
{flag("Germany")}<a href="/wiki/Nazi_Germany" title="Nazi Germany">Germany</a></td><td
style="width:50%;padding-left:0.25em">
{flag("Soviet_Union")}<a href="/wiki/Soviet_Union" title="Soviet Union">Soviet Union</a></td></tr>
<tr><th colspan="2" style="background-color:#B0C4DE">Commanders and leaders</th></tr>
<tr><td style="width:50%;border-right:1px dotted #aaa">
<div class="plainlist"><ul><li>{flag("Germany")}<a href="/wiki/Erich_von_Manstein">Erich von Manstein</a></li>
<li>{flag("Germany")}<a href="/wiki/Walter_Model">Walter Model</a></li>
<li>{flag("Germany")}<a href="/wiki/G%C3%BCnther_von_Kluge">Günther von Kluge</a></li>
<li>{flag("Germany")}<a href="/wiki/Hermann_Hoth">Hermann Hoth</a></li></ul></div></td><td
style="width:50%;padding-left:0.25em">
{flag("Soviet_Union")}<a href="/wiki/Georgy_Zhukov">Georgy Zhukov</a><br>{flag("Soviet_Union")}<a
href="/wiki/Konstantin_Rokossovsky">Konstantin Rokossovsky</a><br>
{flag("Soviet_Union")}<a href="/wiki/Nikolai_Vatutin">Nikolai Vatutin</a><br>{flag("Soviet_Union")}<a
href="/wiki/Ivan_Konev">Ivan Konev</a></td></tr>
<tr><th colspan="2" style="background-color:#B0C4DE">Units involved</th></tr>
<tr><td style="width:50%;border-right:1px dotted #aaa">
<a href="/wiki/Army_Group_Centre">Army Group Centre</a>
<ul><li><a href="/wiki/9th_Army_(Wehrmacht)">9th Army</a></li></ul>
<a href="/wiki/Army_Group_South">Army Group South</a>
<ul><li><a href="/wiki/4th_Panzer_Army">4th Panzer Army</a>
<ul><li><a href="/wiki/II_SS_Panzer_Corps">II SS Panzer Corps</a></li></ul></li>
<li><a href="/wiki/Army_Detachment_Kempf">Army Detachment Kempf</a></li></ul></td><td
style="width:50%;padding-left:0.25em">
<div class="plainlist"><ul><li><a href="/wiki/Central_Front">Central Front</a></li><li><a
href="/wiki/Voronezh_Front">Voronezh Front</a></li>
<li><a href="/wiki/Steppe_Front">Steppe Front</a></li></ul></div></td></tr>
<tr><th colspan="2" style="background-color:#B0C4DE">Strength</th></tr>
<tr><td style="width:50%;border-right:1px dotted #aaa">c. 780,000 personnel{ref(2)}<br>c. 2,900 tanks</td>
<td style="width:50%;padding-left:0.25em">c. 1,900,000 personnel<br>c. 5,100 tanks</td></tr>
<tr><th colspan="2" style="background-color:#B0C4DE">Casualties and losses</th></tr>
<tr><td style="width:50%;border-right:1px dotted #aaa">c. 200,000 men<sup class="noprint Inline-Template"
style="white-space:nowrap;">[<i><a href="/wiki/Wikipedia:Citing_sources" title="Wikipedia:Citing sources"><span
title="A more specific page number is needed.">page&nbsp;needed</span></a></i>]</sup></td>
<td style="width:50%;padding-left:0.25em">c. 860,000 men</td></tr>
<tr><td colspan="2" style="text-align:center;border-top:1px solid #aaa"><div class="locmap" style="width:250px"><div
style="position:relative"><span typeof="mw:File"><span><img alt="Kursk is located in European Russia"
src="//upload.wikimedia.org/Russia_edcp_location_map.svg.png" width="250"
height="180"></span></span></div><div>Location within European Russia</div></div></td></tr>
</tbody></table>"""

KURSK_CONTENT = f"""<p class="mw-empty-elt"></p>
<div class="shortdescription nomobile noexcerpt noprint searchaux" style="display:none">Battle on the Eastern Front in
1943</div>
<style data-mw-deduplicate="TemplateStyles:r1236090951">.mw-parser-output .hatnote{{font-style:italic}}</style>
<div role="note" class="hatnote navigation-not-searchable">For the submarine, see <a
href="/wiki/Russian_submarine_Kursk_(K-141)">Russian submarine Kursk (K-141)</a>.</div>
{KURSK_BOX}
<p>The <b>Battle of Kursk</b> was fought in the summer of 1943 between the forces of Germany and the Soviet Union
around the city of Kursk.{ref(1)} It opened with a German attack on 5 July 1943 against both flanks of the
salient.{ref(2)}</p>
<meta property="mw:PageProp/toc">
{heading2022(2, "Background")}<figure class="mw-default-size" typeof="mw:File/Thumb"><a
href="/wiki/File:Bundesarchiv_Bild.jpg" class="mw-file-description"><img src="//upload.wikimedia.org/x.jpg"
decoding="async" width="220" height="150" class="mw-file-element"></a><figcaption>Tanks waiting in a field before the
attack</figcaption></figure>
<p>After the winter fighting around Kharkov, the front line bulged westward around Kursk.<sup
class="noprint Inline-Template Template-Fact" style="white-space:nowrap;">&#91;<i><a
href="/wiki/Wikipedia:Citation_needed" title="Wikipedia:Citation needed"><span
title="This claim needs references to reliable sources. (March 2023)">citation needed</span></a></i>&#93;</sup></p>
{heading2022(3, "Planning")}<p>The German command set the start of the attack several times and finally chose early
July.</p>
<ul><li>Model attacked from the north on 5 July.</li><li>Manstein attacked from the south.<ul><li>The 4th Panzer Army
led the southern drive.</li></ul></li></ul>
<blockquote class="templatequote"><p>The attack must succeed quickly.</p><div
class="templatequotecite">—&#8202;<cite>An order of the day</cite></div></blockquote>
<table class="wikitable"><tbody><tr><th>Formation</th><th>Tanks</th></tr><tr><td>Table row
text</td><td>100</td></tr></tbody></table>
{heading2022(2, "Battle")}<p>- On 12 July the Soviet 5th Guards Tank Army counter-attacked near Prokhorovka.</p>
<p>== Heading-like text that is prose ==</p>
{heading2022(2, "See also")}<ul><li><a href="/wiki/Operation_Kutuzov">Operation Kutuzov</a></li></ul>
{heading2022(2, "References")}{REFLIST}
{heading2022(2, "External links")}<ul><li><a class="external text" href="https://example.org/kursk">A site about the
battle</a></li></ul>
{NAVBOX}
<!--
NewPP limit report
Parsed by mw-web.eqiad.main-5d7
-->"""


@pytest.fixture(scope="module")
def kursk():
    return render_html(vector2022("Battle of Kursk", KURSK_CONTENT))


def infobox(rendering) -> dict[str, str]:
    lines = rendering.text.split("\n")
    start = lines.index("Infobox")
    out = {}
    for line in lines[start + 1:]:
        if not line:
            break
        key, _, value = line[2:].partition(": ")
        assert key not in out, key
        out[key] = value
    return out


def test_vector2022_infobox(kursk):
    box = infobox(kursk)
    assert box["Conflict"] == "Battle of Kursk"
    assert box["Partof"] == "the Eastern Front of World War II"
    assert box["Date"] == "5 July – 23 August 1943 (1 month, 2 weeks and 4 days)"
    assert box["Place"] == ("Kursk, Oryol and Kharkov regions, Russian SFSR and Ukrainian SSR, Soviet Union")
    assert box["Coordinates"] == "51.5°N 36.05°E" == coords.format_coordinates(51.5, 36.05)
    assert box["Status"] == "Soviet victory"
    assert box["Combatant1"] == "Germany"
    assert box["Combatant2"] == "Soviet Union"
    assert box["Commander1"] == "Erich von Manstein, Walter Model, Günther von Kluge, Hermann Hoth"
    assert box["Commander2"] == "Georgy Zhukov, Konstantin Rokossovsky, Nikolai Vatutin, Ivan Konev"
    assert box["Units1"] == ("Army Group Centre, * 9th Army, Army Group South, * 4th Panzer Army, "
                             "** II SS Panzer Corps, * Army Detachment Kempf")
    assert box["Units2"] == "Central Front, Voronezh Front, Steppe Front"
    assert box["Strength1"] == "c. 780,000 personnel, c. 2,900 tanks"
    assert box["Strength2"] == "c. 1,900,000 personnel, c. 5,100 tanks"
    assert box["Casualties1"] == "c. 200,000 men"
    assert box["Casualties2"] == "c. 860,000 men"
    assert list(box) == ["Conflict", "Partof", "Date", "Place", "Coordinates", "Status", "Combatant1",
                         "Combatant2", "Commander1", "Commander2", "Units1", "Units2", "Strength1", "Strength2",
                         "Casualties1", "Casualties2"]
    assert kursk.offensive
    assert kursk.coordinates == (51.5, 36.05)


def test_vector2022_prose(kursk):
    text = kursk.text
    assert text.startswith("= Battle of Kursk =\n\nInfobox\n- Conflict: Battle of Kursk\n")
    body = text[text.index("\n\n", text.index("Infobox")) + 2:]
    assert body == (
        "The Battle of Kursk was fought in the summer of 1943 between the forces of Germany and the Soviet Union "
        "around the city of Kursk. It opened with a German attack on 5 July 1943 against both flanks of the "
        "salient.\n\n"
        "==Background==\n"
        "After the winter fighting around Kharkov, the front line bulged westward around Kursk.\n\n"
        "===Planning===\n"
        "The German command set the start of the attack several times and finally chose early July.\n\n"
        "Model attacked from the north on 5 July.\n"
        "Manstein attacked from the south.\n"
        "The 4th Panzer Army led the southern drive.\n\n"
        "The attack must succeed quickly.\n\n"
        "— An order of the day\n\n"
        "==Battle==\n"
        "On 12 July the Soviet 5th Guards Tank Army counter-attacked near Prokhorovka.\n\n"
        "Heading-like text that is prose ==\n")
    assert not kursk.problems


@pytest.mark.parametrize("absent", [
    "[1]", "[2]", "citation needed", "page needed", "edit", "Jump to content", "From Wikipedia", "submarine",
    "Tanks waiting", "Table row text", "Operation Kutuzov", "Glantz", "A site about", "navbox", "Categories",
    "Privacy policy", "last edited", "Retrieved from", "Permanent link", "languages", "Contents", "(Top)",
    "Battle on the Eastern Front", "Location within", "collage", "NewPP", "mw-", "{", "Search Wikipedia",
    "Toggle limited", "°N 36.05°E / ",
])
def test_never_in_the_text(kursk, absent):
    assert absent not in kursk.text


def test_old_revision():
    page = vector2022("Battle of Kursk", "<p>Text.</p>")
    page = page.replace('"wgRevisionId":1187654321', '"wgRevisionId":1100000001')
    assert render_html(page).meta.revision_id == 1100000001


def test_vector2022_meta(kursk):
    meta = kursk.meta
    assert meta.title == "Battle of Kursk"
    assert meta.canonical_url == "https://en.wikipedia.org/wiki/Battle_of_Kursk"
    assert meta.revision_id == 1187654321
    assert meta.revision_time == datetime.datetime(2023, 3, 3, 10, 15, tzinfo=datetime.UTC)
    assert meta.licence == WIKIPEDIA_LICENCE == "CC BY-SA 4.0"
    assert meta.site == "Wikipedia"
    assert meta.redirect is None


def test_round_trip_two_sides(kursk):
    doc, blocks = parse_structured(kursk.text)
    assert doc.title == "Battle of Kursk"
    assert (doc.start.date, doc.end.date) == (datetime.date(1943, 7, 5), datetime.date(1943, 8, 23))
    assert doc.part_of == ["Eastern Front of World War II"]
    assert doc.status == "Soviet victory"
    assert doc.place.startswith("Kursk, Oryol")
    assert [b.name for b in doc.sides[0].belligerents] == ["Germany"]
    assert [c.name for c in doc.sides[1].commanders] == ["Georgy Zhukov", "Konstantin Rokossovsky",
                                                          "Nikolai Vatutin", "Ivan Konev"]
    units = [(u.name, u.parent, u.depth) for u in doc.sides[0].units]
    assert units == [("Army Group Centre", None, 0), ("9th Army", "Army Group Centre", 1),
                     ("Army Group South", None, 0), ("4th Panzer Army", "Army Group South", 1),
                     ("II SS Panzer Corps", "4th Panzer Army", 2), ("Army Detachment Kempf", "Army Group South", 1)]
    assert [s.number for s in doc.sides[0].strength] == [780000, 2900]
    assert doc.coordinates == (51.5, 36.05)
    assert doc.lead.startswith("The Battle of Kursk was fought")
    assert [b.section for b in blocks][-1] == "Battle"
    assert not [p for p in doc.problems if "could not be read" in p.message]


# ---- Aleppo, three sides, Vector 2010 -----------------------------------------------------------------

KIA_LINK = ('<a href="/wiki/Killed_in_action" title="Killed in action"><img alt="†" src="//upload.wikimedia.org/'
            'Dagger-14-plain.png" decoding="async" width="7" height="14"></a>')

ALEPPO_BOX = f"""<table class="infobox vevent" style="width:22em;float:right;clear:right">
<tbody><tr><th colspan="3" class="summary" style="background-color:#B0C4DE">Aleppo offensive (October–December
2015)</th></tr>
<tr><td colspan="3" style="background-color:#DCDCDC">Part of the <a
href="/wiki/Battle_of_Aleppo_(2012%E2%80%932016)">Battle of Aleppo</a>, the <a href="/wiki/Syrian_civil_war">Syrian
civil war</a> and the <a href="/wiki/Russian_intervention_in_the_Syrian_civil_war">Russian military intervention in the
Syrian civil war</a></td></tr>
<tr><td colspan="3"><table style="width:100%;margin:0;padding:0;border:0"><tbody>
<tr><th style="padding-right:1em">Date</th><td>16 October – 21 December 2015<br>(2 months and 5 days)</td></tr>
<tr><th style="padding-right:1em">Location</th><td><div class="location"><a href="/wiki/Aleppo_Governorate">Aleppo
Governorate</a>, <a href="/wiki/Syria">Syria</a></div></td></tr>
<tr><th style="padding-right:1em">Result</th><td class="status">
Syrian government victory</td></tr>
<tr><th style="padding-right:1em">Territorial<br>changes</th><td>
<ul><li>Government forces capture the rebel strongholds of Al-Hader and Khan Tuman</li><li>The rebels capture nine
villages</li></ul></td></tr>
</tbody></table></td></tr>
<tr><th colspan="3" style="background-color:#B0C4DE">Belligerents</th></tr>
<tr><td style="width:33%;border-right:1px dotted #aaa">
{flag("Syria")}<a href="/wiki/Syria">Syrian Arab Republic</a><br>{flag("Iran")}<a href="/wiki/Iran">Iran</a><br>
{flag("Hezbollah")}<a href="/wiki/Hezbollah">Hezbollah</a><br>{flag("Russia")}<a href="/wiki/Russia">Russia</a>
<small>(air support)</small></td>
<td style="width:33%;border-right:1px dotted #aaa;padding-left:0.25em">
{flag("Free_Syrian_Army")}<a href="/wiki/Free_Syrian_Army">Free Syrian Army</a><br><a
href="/wiki/Islamic_Front_(Syria)">Islamic Front</a><br>
<a href="/wiki/Harakat_Nour_al-Din_al-Zenki">Harakat Nour al-Din al-Zenki</a> (until late Jan. 2016)</td>
<td style="width:33%;padding-left:0.25em">{flag("ISIS")}<a href="/wiki/Islamic_State">Islamic State</a> (since 23
Oct.)</td></tr>
<tr><th colspan="3" style="background-color:#B0C4DE">Commanders and leaders</th></tr>
<tr><td style="border-right:1px dotted #aaa">
{flag("Iran")}Maj. Gen. <a href="/wiki/Qasem_Soleimani">Qasem Soleimani</a><br><small>(Supreme commander)</small><br>
{flag("Iran")}Col. Saeed Sayyah Taheri{KIA_LINK}<br><small>(IRGC commander)</small><br>
Mostafa Sadrzadeh <abbr title="Killed in action">KIA</abbr> <small>(Ammar Brigade leader)</small>
<hr>
{flag("Russia")}<a href="/wiki/Aleksandr_Dvornikov">Aleksandr Dvornikov</a> <small>(Commander of Russian
Forces)</small></td>
<td style="border-right:1px dotted #aaa">Hassan al-Haj Ali <small>(Suqour al-Sham Brigade leader)</small><br>
Ismail Sanif<img alt="KIA" src="//upload.wikimedia.org/Dagger.png" width="7" height="14"> <small>(Harakat Nour al-Din
al-Zenki Commander)</small></td>
<td>{flag("ISIS")}<a href="/wiki/Abu_Bakr_al-Baghdadi">Abu Bakr al-Baghdadi</a></td></tr>
<tr><th colspan="3" style="background-color:#B0C4DE">Units involved</th></tr>
<tr><td style="border-right:1px dotted #aaa"><div class="plainlist">
<ul><li><a href="/wiki/Syrian_Armed_Forces">Syrian Armed Forces</a><ul><li><a href="/wiki/Syrian_Army">Syrian Army</a>
<ul><li><a href="/wiki/4th_Armoured_Division_(Syria)">4th Mechanized Division</a></li></ul></li><li><a
href="/wiki/National_Defence_Forces">National Defence Forces</a></li></ul></li>
<li><a href="/wiki/Islamic_Revolutionary_Guard_Corps">IRGC</a><ul><li><a href="/wiki/Quds_Force">Quds
Force</a></li></ul></li></ul></div></td>
<td colspan="2">Military of ISIL and various rebel factions</td></tr>
<tr><th colspan="3" style="background-color:#B0C4DE">Strength</th></tr>
<tr><td style="border-right:1px dotted #aaa">2,000 Iranian-backed fighters<br>1,500 Iraqi paramilitary fighters</td><td
colspan="2">Unknown</td></tr>
<tr><th colspan="3" style="background-color:#B0C4DE">Casualties and losses</th></tr>
<tr><td>Several hundred killed</td><td>Several hundred killed</td><td>Unknown</td></tr>
<tr><td colspan="3" style="text-align:center;border-top:1px dotted #aaa">Tens of thousands of civilians
displaced</td></tr>
</tbody></table>"""

ALEPPO_CONTENT = f"""
<div class="shortdescription nomobile noexcerpt noprint searchaux" style="display:none">Military offensive in 2015</div>
{ALEPPO_BOX}
<p>The <b>Aleppo offensive (October–December 2015)</b> was a government drive south of Aleppo aimed at the Azzan
mountains.{ref(1)}</p>
<div id="toc" class="toc" role="navigation" aria-labelledby="mw-toc-heading"><input type="checkbox" role="button"
id="toctogglecheckbox" class="toctogglecheckbox" style="display:none" /><div class="toctitle" lang="en" dir="ltr"><h2
id="mw-toc-heading">Contents</h2><span class="toctogglespan"><label class="toctogglelabel"
for="toctogglecheckbox"></label></span></div>
<ul>
<li class="toclevel-1 tocsection-1"><a href="#Preparations"><span class="tocnumber">1</span> <span
class="toctext">Preparations</span></a></li>
</ul>
</div>
{heading2010(2, "Preparations")}<p>The planning reportedly began months earlier, after a visit to Moscow by
Soleimani.{ref(2)}</p>
{heading2010(3, "First phase")}<p>Government forces took several villages on 17 October 2015.</p>
{heading2010(2, "Notes")}<div class="reflist"><ol class="references"><li id="cite_note-a">A footnote that must not
appear.</li></ol></div>
{heading2010(2, "Aftermath")}<p>The front stabilised by late December.</p>"""


@pytest.fixture(scope="module")
def aleppo():
    return render_html(vector2010("Aleppo offensive (October–December 2015)", ALEPPO_CONTENT))


def test_three_sides(aleppo):
    box = infobox(aleppo)
    assert box["Partof"] == ("the Battle of Aleppo, the Syrian civil war and the Russian military intervention "
                             "in the Syrian civil war")
    assert box["Date"] == "16 October – 21 December 2015 (2 months and 5 days)"
    assert box["Place"] == "Aleppo Governorate, Syria"
    assert "Coordinates" not in box
    assert box["Status"] == "Syrian government victory"
    assert box["Territory"] == ("Government forces capture the rebel strongholds of Al-Hader and Khan Tuman, "
                                "The rebels capture nine villages")
    assert box["Combatant1"] == "Syrian Arab Republic, Iran, Hezbollah, Russia (air support)"
    assert box["Combatant2"] == "Free Syrian Army, Islamic Front, Harakat Nour al-Din al-Zenki (until late Jan. 2016)"
    assert box["Combatant3"] == "Islamic State (since 23 Oct.)"


def test_commanders_kia_and_roles(aleppo):
    box = infobox(aleppo)
    assert box["Commander1"] == ("Maj. Gen. Qasem Soleimani (Supreme commander), Col. Saeed Sayyah Taheri KIA "
                                 "(IRGC commander), Mostafa Sadrzadeh KIA (Ammar Brigade leader), "
                                 "Aleksandr Dvornikov (Commander of Russian Forces)")
    assert box["Commander2"] == ("Hassan al-Haj Ali (Suqour al-Sham Brigade leader), Ismail Sanif KIA "
                                 "(Harakat Nour al-Din al-Zenki Commander)")
    assert box["Commander3"] == "Abu Bakr al-Baghdadi"


def test_colspan_cells_and_shared_rows(aleppo):
    box = infobox(aleppo)
    assert box["Units1"] == ("Syrian Armed Forces, * Syrian Army, ** 4th Mechanized Division, "
                             "* National Defence Forces, IRGC, * Quds Force")
    assert box["Units2"] == "Military of ISIL and various rebel factions"      # colspan=2: side 2 only
    assert "Units3" not in box
    assert box["Strength2"] == "Unknown" and "Strength3" not in box
    # a full-width row after the per-side cells is the joint value, numbered after the sides
    # (casualties4 of three sides), as the wikitext names it
    assert box["Casualties1"] == "Several hundred killed"
    assert box["Casualties3"] == "Unknown"
    assert box["Casualties4"] == "Tens of thousands of civilians displaced"


def test_round_trip_three_sides(aleppo):
    doc, _ = parse_structured(aleppo.text)
    assert doc.title == "Aleppo offensive (October–December 2015)"
    assert len(doc.sides) == 3
    assert [b.name for b in doc.sides[2].belligerents] == ["Islamic State"]
    assert doc.sides[2].belligerents[0].note == "since 23 Oct."
    soleimani, taheri, sadrzadeh, dvornikov = doc.sides[0].commanders
    assert (soleimani.rank, soleimani.name, soleimani.role, soleimani.kia) == (
        "Maj. Gen.", "Qasem Soleimani", "Supreme commander", False)
    assert (taheri.rank, taheri.name, taheri.role, taheri.kia) == (
        "Col.", "Saeed Sayyah Taheri", "IRGC commander", True)
    assert sadrzadeh.kia and dvornikov.role == "Commander of Russian Forces"
    assert [(c.name, c.kia) for c in doc.sides[1].commanders] == [("Hassan al-Haj Ali", False), ("Ismail Sanif", True)]
    units = {u.name: (u.parent, u.depth) for u in doc.sides[0].units}
    assert units["4th Mechanized Division"] == ("Syrian Army", 2)
    assert units["Quds Force"] == ("IRGC", 1)
    assert (doc.start.date, doc.end.date) == (datetime.date(2015, 10, 16), datetime.date(2015, 12, 21))


def test_vector2010_prose_and_meta(aleppo):
    text = aleppo.text
    body = text[text.index("\n\n", text.index("Infobox")) + 2:]
    assert body == ("The Aleppo offensive (October–December 2015) was a government drive south of Aleppo aimed at "
                    "the Azzan mountains.\n\n"
                    "==Preparations==\n"
                    "The planning reportedly began months earlier, after a visit to Moscow by Soleimani.\n\n"
                    "===First phase===\n"
                    "Government forces took several villages on 17 October 2015.\n\n"
                    "==Aftermath==\n"
                    "The front stabilised by late December.\n")
    meta = aleppo.meta
    assert meta.revision_id == 1093112233
    assert meta.revision_time == datetime.datetime(2022, 6, 14, 8, 5, tzinfo=datetime.UTC)
    assert meta.licence == "CC BY-SA 3.0"               # what the page said when it was saved
    assert meta.site == "Wikipedia"
    assert meta.canonical_url == "https://en.wikipedia.org/wiki/Aleppo_offensive_(October%E2%80%93December_2015)" \
        or meta.canonical_url.startswith("https://en.wikipedia.org/wiki/Aleppo_offensive_")
    assert not aleppo.problems


# ---- the mobile site ---------------------------------------------------------------------------------

PALMYRA_BOX = f"""<table class="infobox vevent"><tbody>
<tr><th colspan="2" class="summary">Palmyra offensive (December 2016)</th></tr>
<tr><td colspan="2">Part of the <a href="/wiki/Syrian_civil_war">Syrian civil war</a></td></tr>
<tr><td colspan="2"><table><tbody>
<tr><th>Date</th><td>8–11 December 2016</td></tr>
<tr><th>Location</th><td><div class="location"><a href="/wiki/Palmyra">Palmyra</a>, <a
href="/wiki/Homs_Governorate">Homs Governorate</a>, Syria</div></td></tr>
<tr><th>Result</th><td>ISIL victory<ul><li>ISIL recaptures Palmyra</li></ul></td></tr>
</tbody></table></td></tr>
<tr><th colspan="2">Belligerents</th></tr>
<tr><td>{flag("ISIS")}<a href="/wiki/Islamic_State">Islamic State</a></td><td><div
class="plainlist"><ul><li>{flag("Syria")}<a href="/wiki/Syria">Syria</a></li><li>{flag("Russia")}<a
href="/wiki/Russia">Russia</a></li></ul></div></td></tr>
<tr><th colspan="2">Strength</th></tr>
<tr><td>Unknown</td><td>Unknown</td></tr>
</tbody></table>"""

PALMYRA_CONTENT = f"""<section class="mf-section-0" id="mf-section-0">
<p>The <b>Palmyra offensive (December 2016)</b> was an attack by the Islamic State that retook the city of
Palmyra.{ref(1)}</p>
{PALMYRA_BOX}
<p>Government forces withdrew from the city on 11 December 2016.</p>
</section><div class="mw-heading mw-heading2 section-heading" onclick="mfTempOpenSection(1)"><span
class="indicator mf-icon mf-icon-expand mf-icon--small"></span><h2 id="Background">Background</h2><span
class="mw-editsection">
<a role="button" href="/w/index.php?title=X&amp;action=edit&amp;section=1" title="Edit section: Background"
class="cdx-button"><span class="minerva-icon minerva-icon--edit"></span><span>edit</span></a></span></div><section
class="mf-section-1 collapsible-block" id="mf-section-1">
<p>The government had taken the city in March 2016.</p>
</section><div class="mw-heading mw-heading2 section-heading" onclick="mfTempOpenSection(2)"><span
class="indicator mf-icon mf-icon-expand mf-icon--small"></span><h2 id="References">References</h2></div><section
class="mf-section-2 collapsible-block" id="mf-section-2">
<div class="reflist"><ol class="references"><li>Reference text</li></ol></div>
</section>"""


def test_mobile_site():
    r = render_html(mobile("Palmyra offensive (December 2016)", PALMYRA_CONTENT))
    box = infobox(r)
    assert box["Date"] == "8–11 December 2016"
    assert box["Status"] == "ISIL victory, ISIL recaptures Palmyra"
    assert box["Combatant2"] == "Syria, Russia"
    assert box["Strength1"] == box["Strength2"] == "Unknown"
    body = r.text[r.text.index("\n\n", r.text.index("Infobox")) + 2:]
    assert body == ("The Palmyra offensive (December 2016) was an attack by the Islamic State that retook the city "
                    "of Palmyra.\n\n"
                    "Government forces withdrew from the city on 11 December 2016.\n\n"
                    "==Background==\n"
                    "The government had taken the city in March 2016.\n")
    assert r.meta.revision_id == 1185550001
    assert r.meta.revision_time == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.UTC)
    assert r.meta.licence == WIKIPEDIA_LICENCE
    doc, _ = parse_structured(r.text)
    assert (doc.start.date, doc.end.date) == (datetime.date(2016, 12, 8), datetime.date(2016, 12, 11))
    assert [b.name for b in doc.sides[1].belligerents] == ["Syria", "Russia"]


# ---- a mirror ----------------------------------------------------------------------------------------

CHANCELLORSVILLE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Battle of Chancellorsville | MirrorPedia</title>
<meta property="og:site_name" content="MirrorPedia">
<meta property="og:url" content="https://mirrorpedia.example/wiki/Battle_of_Chancellorsville">
<link rel="stylesheet" href="/static/mirror.css">
<style>body{{font-family:serif}} .mw-parser-output p{{margin:0.5em 0}}</style>
</head>
<body><header class="site-header"><a href="/">MirrorPedia home</a><nav><a href="/random">Random
article</a></nav></header>
<article class="mirror-article"><h1 class="page-title">Battle of Chancellorsville</h1>
<div class="mw-parser-output"><table class="infobox vevent"><tbody>
<tr><th colspan="2" class="infobox-above summary">Battle of Chancellorsville</th></tr>
<tr><td colspan="2" class="infobox-subheader">Part of the <a
href="https://mirrorpedia.example/wiki/American_Civil_War">American Civil War</a></td></tr>
<tr><th class="infobox-label">Date</th><td class="infobox-data">April&nbsp;30&nbsp;– May&nbsp;6, 1863</td></tr>
<tr><th class="infobox-label">Location</th><td class="infobox-data"><a
href="https://mirrorpedia.example/wiki/Spotsylvania_County">Spotsylvania County</a>, Virginia</td></tr>
<tr><th class="infobox-label">Result</th><td class="infobox-data">Confederate victory</td></tr>
<tr><th colspan="2" class="infobox-header">Belligerents</th></tr>
<tr><td>{flag("United_States")}<a href="https://mirrorpedia.example/wiki/Union_(American_Civil_War)">United
States</a></td>
<td>{flag("Confederate_States")}<a href="https://mirrorpedia.example/wiki/Confederate_States_of_America">Confederate
States</a></td></tr>
<tr><th colspan="2" class="infobox-header">Commanders and leaders</th></tr>
<tr><td><a href="https://mirrorpedia.example/wiki/Joseph_Hooker">Joseph Hooker</a></td>
<td><a href="https://mirrorpedia.example/wiki/Robert_E._Lee">Robert E. Lee</a><br><a
href="https://mirrorpedia.example/wiki/Stonewall_Jackson">Stonewall Jackson</a>&nbsp;<a
href="https://mirrorpedia.example/wiki/Died_of_wounds" title="Died of wounds">(DOW)</a></td></tr>
<tr><th colspan="2" class="infobox-header">Units involved</th></tr>
<tr><td><a href="https://mirrorpedia.example/wiki/Army_of_the_Potomac">Army of the Potomac</a></td><td><a
href="https://mirrorpedia.example/wiki/Army_of_Northern_Virginia">Army of Northern Virginia</a></td></tr>
</tbody></table>
<p>The <b>Battle of Chancellorsville</b> was fought in Virginia in the spring of 1863.<sup
class="reference">[1]</sup></p>
<h2><span class="mw-headline" id="Aftermath">Aftermath</span></h2>
<p>Jackson was wounded by his own men and died some days later.[2]</p>
<div id="coordinates"><span class="geo-inline"><span class="geo-dec">38.3108°N 77.6481°W</span><span
style="display:none"><span class="geo">38.3108; -77.6481</span></span></span></div>
</div></article>
<footer class="site-footer"><p>Text from Wikipedia, under <a href="https://creativecommons.org/licenses/by-sa/3.0/">CC
BY-SA 3.0</a>.</p></footer>
</body></html>
"""


def test_mirror_page():
    r = render_html(CHANCELLORSVILLE)
    assert r.meta.title == "Battle of Chancellorsville"         # from <title>, without the mirror's name
    assert r.meta.revision_id is None and r.meta.revision_time is None
    assert r.meta.site == "MirrorPedia"
    assert r.meta.canonical_url == "https://mirrorpedia.example/wiki/Battle_of_Chancellorsville"
    assert r.meta.licence == "CC BY-SA 3.0"
    box = infobox(r)
    assert box["Date"] == "April 30 – May 6, 1863"
    assert box["Partof"] == "the American Civil War"
    assert box["Commander2"] == "Robert E. Lee, Stonewall Jackson DOW"
    assert box["Coordinates"] == "38.3108°N 77.6481°W"           # the page's own coordinates
    assert r.coordinates == (38.3108, -77.6481)
    assert "MirrorPedia home" not in r.text and "Random article" not in r.text and "[2]" not in r.text
    assert r.text.endswith("==Aftermath==\nJackson was wounded by his own men and died some days later.\n")
    doc, _ = parse_structured(r.text)
    assert doc.start.date == datetime.date(1863, 4, 30)
    assert [c.name for c in doc.sides[1].commanders] == ["Robert E. Lee", "Stonewall Jackson"]
    assert any("DOW" in p.message for p in doc.problems)
    assert not r.problems


def test_browser_saved_page():
    """Saved with "Save page as": a comment naming the address, <base>, inlined CSS, scripts; no
    canonical link."""
    page = vector2022("Battle of Kursk", KURSK_CONTENT)
    page = page.replace('<link rel="canonical" href="https://en.wikipedia.org/wiki/Battle_of_Kursk">', "")
    page = page.replace("<!DOCTYPE html>\n", "<!DOCTYPE html>\n<!-- saved from url=(0045)https://en.wikipedia.org"
                                              "/wiki/Battle_of_Kursk -->\n")
    page = page.replace("<head>\n", "<head>\n<base href=\"https://en.wikipedia.org/wiki/Battle_of_Kursk\">\n"
                                    "<style>" + ".mw-parser-output .x{color:red}" * 2000 + "</style>\n")
    r = render_html(page)
    assert r.meta.canonical_url is None
    assert r.meta.site == "Wikipedia" and r.meta.licence == WIKIPEDIA_LICENCE
    assert infobox(r)["Commander1"].startswith("Erich von Manstein")
    assert "color:red" not in r.text


# ---- what is not an offensive, and what is broken ------------------------------------------------------

ORDER_OF_BATTLE = """
<p>This is the order of battle of the forces that fought at <a href="/wiki/Battle_of_Kursk">Kursk</a> in July 1943.</p>
<div class="mw-heading mw-heading2"><h2 id="Axis">Axis</h2></div>
<ul><li>Army Group Centre<ul><li>9th Army</li></ul></li></ul>
<table class="wikitable sortable"><tbody><tr><th>Corps</th><th>Divisions</th></tr><tr><td>XLVII Panzer
Corps</td><td>3</td></tr></tbody></table>"""


def test_page_without_infobox():
    r = render_html(vector2022("Kursk order of battle", ORDER_OF_BATTLE))
    assert not r.offensive
    assert "Infobox" not in r.text
    assert r.text == ("= Kursk order of battle =\n\n"
                      "This is the order of battle of the forces that fought at Kursk in July 1943.\n\n"
                      "==Axis==\n"
                      "Army Group Centre\n"
                      "9th Army\n")
    doc, _ = parse_structured(r.text)
    assert doc.title == "Kursk order of battle" and not doc.sides


def test_page_with_another_infobox():
    person = """<table class="infobox biography vcard"><tbody>
<tr><th colspan="2" class="infobox-above"><div class="fn">Erich von Manstein</div></th></tr>
<tr><th scope="row" class="infobox-label">Born</th><td class="infobox-data">24 November 1887</td></tr>
<tr><th scope="row" class="infobox-label">Battles/wars</th><td class="infobox-data">Battle of Kursk</td></tr>
</tbody></table><p>Erich von Manstein was a German field marshal.</p>"""
    r = render_html(vector2022("Erich von Manstein", person))
    assert not r.offensive
    assert "Infobox" not in r.text
    assert r.text.endswith("Erich von Manstein was a German field marshal.\n")


def test_cut_file():
    page = vector2022("Battle of Kursk", KURSK_CONTENT)
    cut = page[:page.index("On 12 July the Soviet")] + "On 12 July the Sov"
    r = render_html(cut)
    assert infobox(r)["Units2"] == "Central Front, Voronezh Front, Steppe Front"
    assert r.text.endswith("==Battle==\nOn 12 July the Sov\n")
    assert [p.message for p in r.problems] == ["the page is cut short (no </html>): what was there was read"]
    assert r.problems[0].line == cut.count("\n") + 1
    assert r.meta.revision_id == 1187654321          # the head was there


def test_side_headers_without_cells():
    broken = KURSK_BOX.replace(
        '<tr><th colspan="2" style="background-color:#B0C4DE">Units involved</th></tr>', "").replace(
        '<tr><th colspan="2" style="background-color:#B0C4DE">Commanders and leaders</th></tr>',
        '<tr><th colspan="2" style="background-color:#B0C4DE">Commanders and leaders</th></tr>'
        '<tr><th colspan="2" style="background-color:#B0C4DE">Units involved</th></tr>', 1)
    # the commanders header now has the units' header straight under it: no cells of its own
    page = vector2022("Battle of Kursk", broken + "<p>Text.</p>")
    r = render_html(page)
    assert [p.message for p in r.problems] == [
        "the infobox has side headers with no per-side cells under them: 'Commanders and leaders'"]
    assert r.problems[0].line == page[:page.index(">Commanders and leaders<")].count("\n") + 1
    box = infobox(r)
    assert "Commander1" not in box
    assert box["Units1"].startswith("Erich von Manstein")       # what follows is read as it stands


def test_no_content_root():
    page = """<!DOCTYPE html><html><head><title>Battle of Prokhorovka - Wikipedia</title></head>
<body><div id="content"><h1 id="firstHeading">Battle of Prokhorovka</h1>
<p>A large tank battle took place near Prokhorovka on 12 July 1943.</p></div></body></html>"""
    r = render_html(page)
    assert r.text == "= Battle of Prokhorovka =\n\nA large tank battle took place near Prokhorovka on 12 July 1943.\n"
    assert len(r.problems) == 1 and "no article content" in r.problems[0].message
    assert r.meta.site is None and r.meta.licence is None


def test_no_title():
    with pytest.raises(ParseError) as info:
        render_html("<!DOCTYPE html><html><head></head><body><p>Only text.</p></body></html>")
    assert info.value.line == 1 and info.value.message == "the page has no title"
    with pytest.raises(ParseError):
        render_html("")


def test_title_falls_back_to_the_infobox_caption():
    page = f"<html><body><div class='mw-parser-output'>{PALMYRA_BOX}<p>Text.</p></div></body></html>"
    r = render_html(page)
    assert r.text.startswith("= Palmyra offensive (December 2016) =\n")
    assert not r.problems


# ---- cells ---------------------------------------------------------------------------------------------

def one_cell(cell: str, header: str = "Commanders and leaders") -> dict[str, str]:
    box = f"""<table class="infobox vevent"><tbody><tr><th colspan="2" class="summary">Battle of Stalingrad</th></tr>
<tr><th colspan="2">Belligerents</th></tr><tr><td>Germany</td><td>Soviet Union</td></tr>
<tr><th colspan="2">{header}</th></tr><tr><td>{cell}</td><td>Vasily Chuikov</td></tr></tbody></table>"""
    return infobox(render_html(vector2022("Battle of Stalingrad", box + "<p>Text.</p>")))


@pytest.mark.parametrize(("cell", "expected"), [
    ('Friedrich Paulus <a href="/wiki/Prisoner_of_war" title="Prisoner of war">(POW)</a>', "Friedrich Paulus POW"),
    ('Friedrich Paulus <span title="Prisoner of war">POW</span>', "Friedrich Paulus POW"),
    ('A <a href="/wiki/Killed_in_action">†</a><br>B <img alt="KIA" src="x.png" width="8">', "A KIA, B KIA"),
    ("Friedrich Paulus †", "Friedrich Paulus †"),
    ('Friedrich Paulus<sup class="reference"><a>[3]</a></sup><br><small>(6th Army)</small>',
     "Friedrich Paulus (6th Army)"),
    ("Friedrich&nbsp;Paulus<p>Hermann Hoth</p><div>Wolfram von Richthofen</div>",
     "Friedrich Paulus, Hermann Hoth, Wolfram von Richthofen"),
    ('<span style="display:none">hidden</span>Friedrich Paulus<style>.x{}</style><script>var a;</script>',
     "Friedrich Paulus"),
    ('<a href="/wiki/Friedrich_Paulus">Friedrich Paulus</a> <a href="/wiki/Prisoner_of_war">surrendered</a>',
     "Friedrich Paulus surrendered"),
])
def test_cell_markup(cell, expected):
    assert one_cell(cell)["Commander1"] == expected


def test_second_row_under_a_header_is_appended():
    box = f"""<table class="infobox vevent"><tbody><tr><th colspan="2" class="summary">Operation Bagration</th></tr>
<tr><th colspan="2">Belligerents</th></tr><tr><td>{flag("Germany")}Germany</td><td>{flag("Soviet_Union")}Soviet
Union</td></tr>
<tr><th colspan="2">Commanders and leaders</th></tr>
<tr><td>Ernst Busch</td><td>Konstantin Rokossovsky</td></tr>
<tr><td style="border-top:1px dotted #aaa">Walter Model</td><td style="border-top:1px dotted #aaa">Ivan
Chernyakhovsky</td></tr>
</tbody></table>"""
    box_ = infobox(render_html(vector2022("Operation Bagration", box + "<p>Text.</p>")))
    assert box_["Commander1"] == "Ernst Busch, Walter Model"
    assert box_["Commander2"] == "Konstantin Rokossovsky, Ivan Chernyakhovsky"


def test_infobox_values_are_single_lines_and_prose_is_safe():
    cell = "Line one\n\n- Line two\n= x =<br>\n\nLine three"
    box = one_cell(cell)
    assert box["Commander1"] == "Line one - Line two = x =, Line three"
    page = vector2022("Battle of Stalingrad", "<p>- Infobox</p><p>Infobox</p><p>= Title =</p><p>--- = rule</p>")
    r = render_html(page)
    assert r.text == "= Battle of Stalingrad =\n\nTitle =\n\nrule\n"
    parse_structured(r.text)


# ---- meta, sniffing, bounds ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("This page was last edited on 3 March 2023, at 10:15 (UTC).", datetime.datetime(2023, 3, 3, 10, 15)),
    ("This page was last edited on March 3, 2023, at 10:15 (UTC).", datetime.datetime(2023, 3, 3, 10, 15)),
    ("This page was last edited on 3 March 2023, at 11:15 (UTC+01:00).", datetime.datetime(2023, 3, 3, 10, 15)),
    ("This page was last edited on 3 March 2023, at 10:15 (CET).", None),
    ("This page was last edited on 31 February 2023, at 10:15 (UTC).", None),
])
def test_edited_time(text, expected):
    assert edited_time(text) == (expected.replace(tzinfo=datetime.UTC) if expected else None)


def test_looks_like_article(kursk):
    assert looks_like_article(vector2022("Battle of Kursk", KURSK_CONTENT))
    assert looks_like_article(CHANCELLORSVILLE)
    assert looks_like_article(vector2022("X", "<p>x</p>")[:5000])
    assert not looks_like_article("= Battle of Kursk =\n\nInfobox\n- Date: 1943\n")
    assert not looks_like_article("<html><body><p>A recipe for soup.</p></body></html>")
    assert not looks_like_article(kursk.text)


def test_deep_nesting_is_cut_and_reported():
    deep = "<div>" * 100_000 + "lost" + "</div>" * 100_000
    page = vector2022("Battle of Kursk", "<p>Before.</p>" + deep + "<p>After.</p>")
    started = time.perf_counter()
    r = render_html(page)
    assert time.perf_counter() - started < 10
    assert "Before." in r.text and "After." in r.text and "lost" not in r.text
    assert any("nests its elements more than 256 deep" in p.message for p in r.problems)


def test_unclosed_nesting_is_bounded():
    page = vector2022("Battle of Kursk", "<p>Before.</p>" + "<span>x" * 60_000 + "</div>" * 60_000)
    started = time.perf_counter()
    r = render_html(page)
    assert time.perf_counter() - started < 10
    assert r.text.startswith("= Battle of Kursk =\n\nBefore.")
    assert r.problems


def test_nesting_cuts_follow_the_html_rules():
    assert nesting_cuts("<ul>" + "<li>x" * 1000 + "</ul>", limit=10) == []        # sibling items close
    assert nesting_cuts("<table>" + "<tr><td>x" * 1000 + "</table>", limit=10) == []
    assert nesting_cuts("<p>" * 1000, limit=10) == []
    assert nesting_cuts("<script>" + "<div>" * 1000 + "</script>", limit=10) == []
    assert nesting_cuts("<!--" + "<div>" * 1000 + "-->", limit=10) == []
    assert nesting_cuts("<svg>" + "<path d='x'/>" * 1000 + "</svg>", limit=10) == []
    text = "<p>a</p>" + "<div>" * 20 + "</div>" * 20 + "<p>b</p>"
    (start, end), = nesting_cuts(text, limit=10)
    assert text[:start] == "<p>a</p>" + "<div>" * 10 and text[end:] == "</div>" * 10 + "<p>b</p>"


def test_a_large_page_is_quick():
    section = (heading2022(2, "Section") + f"<p>The front moved on 5 July 1943 near Kursk.{ref(1)} "
               + "More text. " * 40 + "</p>\n" + NAVBOX + "\n")
    content = KURSK_BOX + section * (10_000_000 // len(section))
    page = vector2022("Battle of Kursk", content)
    assert len(page) > 9_000_000
    started = time.perf_counter()
    r = render_html(page)
    assert time.perf_counter() - started < 10
    assert r.text.count("==Section==") == 10_000_000 // len(section)
    assert infobox(r)["Combatant2"] == "Soviet Union"


# ---- more of the rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "expected"), [
    ("Battle of Kursk - Wikipedia", "Battle of Kursk"),
    ("Battle of Kursk — Wikipedia", "Battle of Kursk"),
    ("Battle of Kursk - Wikipedia, the free encyclopedia", "Battle of Kursk"),
    ("Battle of Kursk | Military Wiki | Fandom", "Battle of Kursk"),
    ("Battle of Kursk - Some Mirror", "Battle of Kursk - Some Mirror"),         # not known to be a site's name
    ("Siege of Budapest – Part I - Wikipedia", "Siege of Budapest – Part I"),
])
def test_title_from_the_title_element(title, expected):
    page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body><div class='mw-parser-output'>" \
           "<p>Text.</p></div></body></html>"
    r = render_html(page)
    assert r.meta.title == expected
    assert r.text == f"= {expected} =\n\nText.\n"


def test_shared_cell_spanning_two_sides_is_side_one():
    box = one_cell("Erich von Manstein", header="Commanders and leaders")
    assert box["Commander2"] == "Vasily Chuikov"
    page = vector2022("Battle of Stalingrad", """<table class="infobox vevent"><tbody>
<tr><th colspan="2" class="summary">Battle of Stalingrad</th></tr>
<tr><th colspan="2">Belligerents</th></tr><tr><td>Germany</td><td>Soviet Union</td></tr>
<tr><th colspan="2">Strength</th></tr><tr><td colspan="2">More than two million men in all</td></tr>
</tbody></table><p>Text.</p>""")
    box = infobox(render_html(page))
    assert box["Strength1"] == "More than two million men in all"
    assert "Strength2" not in box


def test_joint_row_after_the_sides_cells():
    page = vector2022("Second Battle of Fallujah", """<table class="infobox vevent"><tbody>
<tr><th colspan="2" class="summary">Second Battle of Fallujah</th></tr>
<tr><th colspan="2">Belligerents</th></tr><tr><td>United States</td><td>Iraqi insurgents</td></tr>
<tr><th colspan="2">Casualties and losses</th></tr><tr><td>95 killed</td><td>1,200–1,500 killed</td></tr>
<tr><td colspan="2" style="text-align: center; border-top: 1px solid #aaa;">About 800 civilians killed</td></tr>
</tbody></table><p>Text.</p>""")
    r = render_html(page)
    box = infobox(r)
    assert (box["Casualties1"], box["Casualties2"], box["Casualties3"]) == (
        "95 killed", "1,200–1,500 killed", "About 800 civilians killed")
    doc, _ = parse_structured(r.text)
    assert len(doc.sides) == 2 and doc.extra["Casualties3"] == "About 800 civilians killed"


def test_units_indented_with_definition_lists():
    cell = ('<a href="/wiki/6th_Army">6th Army</a><dl><dd><a href="/wiki/LI_Army_Corps">LI Army Corps</a>'
            "<dl><dd>71st Infantry Division</dd></dl></dd></dl>")
    box = one_cell(cell, header="Units involved")
    assert box["Units1"] == "6th Army, * LI Army Corps, ** 71st Infantry Division"


def test_redirect_page():
    content = """<div class="redirectMsg"><p>Redirect to:</p><ul class="redirectText"><li>
<a href="/wiki/Battle_of_Kursk" title="Battle of Kursk">Battle of Kursk</a></li></ul></div>"""
    r = render_html(vector2022("Operation Citadel", content))
    assert r.meta.redirect == "Battle of Kursk"
    assert r.text == "= Operation Citadel =\n"
    assert [p.message for p in r.problems] == ["the page has no article text"]


def test_text_that_cannot_be_encoded():
    r = render_html("<html><head><title>Battle of Kursk\ud800 - Wikipedia</title></head><body>"
                    "<div class='mw-parser-output'><p>Text\udc00.</p></div></body></html>")
    assert r.text.startswith("= Battle of Kursk")
    assert "Text" in r.text


def test_collapsed_lists_saved_by_a_browser_are_read():
    """The script that collapses a collapsible list hides its items with ``display: none``; a browser
    saves that, and the items are still the cell's."""
    cell = ('<div class="mw-collapsible mw-collapsed mw-made-collapsible"><span class="mw-collapsible-toggle '
            'mw-collapsible-toggle-default mw-collapsible-toggle-collapsed" role="button" tabindex="0" '
            'aria-expanded="false"><a class="mw-collapsible-text">show</a></span>'
            '<div style="font-weight:bold;line-height:1.6">Voronezh Front</div>'
            '<ul class="mw-collapsible-content" style="list-style:none;margin-left:0;display: none;">'
            '<li>1st Tank Army</li><li>6th Guards Army</li></ul></div>'
            '<span style="display:none">a hidden sort key</span>')
    assert one_cell(cell, header="Units involved")["Units1"] == "Voronezh Front, * 1st Tank Army, * 6th Guards Army"


def test_collapsed_mobile_sections_are_read():
    content = PALMYRA_CONTENT.replace('id="mf-section-1">', 'id="mf-section-1" hidden="until-found">')
    r = render_html(mobile("Palmyra offensive (December 2016)", content))
    assert "The government had taken the city in March 2016." in r.text
    hidden = PALMYRA_CONTENT.replace('id="mf-section-1">', 'id="mf-section-1" hidden>')
    assert "The government had taken" not in render_html(mobile("Palmyra offensive", hidden)).text


@pytest.mark.parametrize(("name", "dropped"), [
    ("References", True), ("Notes and references", True), ("References and further reading", True),
    ("Sources & further reading", True), ("See also", True), ("External links", True), ("Bibliography", True),
    ("Sources of the conflict", False), ("Aftermath", False), ("Notes on the order of battle", False),
])
def test_end_matter_sections(name, dropped):
    content = f"<p>Lead.</p>{heading2022(2, name)}<p>Section text.</p>{heading2022(2, 'Legacy')}<p>Last.</p>"
    text = render_html(vector2022("Battle of Kursk", content)).text
    assert ("Section text." not in text) is dropped
    assert text.endswith("==Legacy==\nLast.\n")


def test_interlanguage_link_marker_is_not_text():
    cell = ('<a href="/w/index.php?title=Pavel_Rotmistrov&amp;action=edit&amp;redlink=1">Pavel Rotmistrov</a>'
            '<span class="noprint" style="font-size:85%;">&#32;&#91;<a href="https://ru.wikipedia.org/wiki/X" '
            'class="extiw" title="ru:X">ru</a>&#93;</span>')
    assert one_cell(cell)["Commander1"] == "Pavel Rotmistrov"


def test_revision_from_the_permanent_link_and_licence_from_the_site():
    page = vector2022("Battle of Kursk", "<p>Text.</p>", rev=1150000000)
    head, rest = page.split("RLCONF=", 1)
    page = head + "RLCONF_GONE=" + rest.replace('"wgRevisionId"', '"x"').replace('"wgCurRevisionId"', '"y"')
    page = page.replace("creativecommons.org", "example.org")
    meta = render_html(page).meta
    assert meta.revision_id == 1150000000
    assert meta.licence == WIKIPEDIA_LICENCE and meta.site == "Wikipedia"
