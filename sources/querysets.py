"""Query logic every named record shares: a force, person or place by name, alias or slug, and the
one name search (/search/, the timeline's filter boxes' autocomplete, admin)."""
from __future__ import annotations

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connections, models
from django.db.models import Exists, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Upper

from .entities import entity_of


def _similar(queryset, field: str, key: str):
    """Rows whose ``field`` is trigram-similar to ``key`` (``%``: whole strings, pg_trgm's similarity
    threshold 0.3; ``%>``: ``key`` against a stretch of words, word-similarity threshold 0.6) or contains
    it. All three read the ``UPPER(name) gin_trgm_ops`` indexes (trigrams ignore case). PostgreSQL only."""
    return queryset.alias(_upper=Upper(field)).filter(
        Q(_upper__trigram_similar=key) | Q(_upper__trigram_word_similar=key) | Q(_upper__contains=key))


def _score(field: str, key: str):
    return Greatest(TrigramSimilarity(Upper(field), key), TrigramWordSimilarity(key, Upper(field)))


class AliasedQuerySet(models.QuerySet):
    """For models in the entity registry (they have ``name``, ``slug`` and an alias table)."""

    def matching(self, words: str):
        """Records whose name or any alias contains ``words`` (case-insensitive)."""
        found = entity_of(self.model)
        aliases = found.alias_model.objects.filter(**{found.fk: OuterRef("pk"), "name__icontains": words})
        return self.filter(Q(name__icontains=words) | Exists(aliases))

    def by_key(self, value: str):
        """A slug, else records whose name or alias contains it: what a reader types in a filter box."""
        value = (value or "").strip()
        exact = self.filter(slug=value)
        return exact if exact.exists() else self.matching(value)

    def named_like(self, query: str):
        """The one name search, unordered: records whose name or an alias resembles ``query``.

        PostgreSQL: trigram similarity or containment of the name or an alias (misspellings such as
        "Hizbollah", "palmira", "Suleimani" find Hezbollah, Palmyra, Soleimani), each read from a trigram
        index; the alias matches are a subquery of ids, so no row's similarity is computed outside the
        index's candidates. Elsewhere: every word occurs in the name or in an alias (case-insensitive).
        """
        query = " ".join((query or "").split())
        if not query:
            return self.none()
        found = entity_of(self.model)
        aliases = found.alias_model.objects
        if connections[self.db].vendor == "postgresql":
            key = query.upper()
            own = _similar(self.model.objects.all(), "name", key).values("pk")
            by_alias = _similar(aliases.all(), "name", key).values(found.fk)
            return self.filter(Q(pk__in=own) | Q(pk__in=by_alias))
        condition = Q()
        for word in query.split():
            condition &= Q(name__icontains=word) | Exists(
                aliases.filter(**{found.fk: OuterRef("pk"), "name__icontains": word}))
        return self.filter(condition)

    def search(self, query: str):
        """:meth:`named_like`, best match first: by trigram score of the name or best alias on
        PostgreSQL (``score``), by name elsewhere."""
        found_records = self.named_like(query)
        if connections[self.db].vendor != "postgresql" or not query.strip():
            return found_records.order_by("name", "pk")
        key = " ".join(query.split()).upper()
        found = entity_of(self.model)
        best_alias = Subquery(found.alias_model.objects.filter(**{found.fk: OuterRef("pk")})
                              .annotate(s=_score("name", key)).order_by("-s").values("s")[:1],
                              output_field=FloatField())
        return found_records.annotate(score=Greatest(_score("name", key), Coalesce(best_alias, Value(0.0)))
                                      ).order_by("-score", "name", "pk")
