"""Tell PostgreSQL's planner what pg_trgm's similarity operators cost (PostgreSQL only; nothing elsewhere).

pg_trgm declares the functions behind ``%``, ``%>`` and ``<%`` at ``COST 1``, the cost of an integer
addition, while each call splits two strings into trigrams and compares them (about 1 µs a name here,
some hundred times an addition). So on a table of a few thousand names the planner priced a sequential
scan that computes the similarity of every name below the three bitmap scans of the ``UPPER(name)
gin_trgm_ops`` index that ``AliasedQuerySet.named_like`` ORs: ``/search/?q=captured`` read all 6,000
people (18 ms) and 4,000 forces (11 ms) instead of their indexes (0.1 ms each), and a key of more than
about ten letters did so even for one operator (issue 16). At ``COST 100`` the index wins for any key.

Only the functions' owner (the bootstrap superuser for an extension) may alter them: a role that may
not leaves them as they are, with a notice; the search is then right but slower. An upgrade of the
extension that replaces the functions resets their cost: run this migration's ``apply`` again.
"""
from django.db import migrations

FUNCTIONS = ("similarity_op(text, text)", "word_similarity_op(text, text)",
             "word_similarity_commutator_op(text, text)")
COST = 100


def _set_cost(schema_editor, cost: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for function in FUNCTIONS:
            cursor.execute("SELECT pg_has_role(proowner, 'USAGE') FROM pg_proc WHERE oid = to_regprocedure(%s)",
                           [function])
            row = cursor.fetchone()
            if row is None:
                continue  # no pg_trgm in this schema path (conflicts 0002 creates it)
            if not row[0]:
                print(f"\n  {function}: not its owner, cost left as it is (see conflicts 0009)")
                continue
            cursor.execute(f"ALTER FUNCTION {function} COST {cost}")


def apply(apps, schema_editor):
    _set_cost(schema_editor, COST)


def revert(apps, schema_editor):
    _set_cost(schema_editor, 1)


class Migration(migrations.Migration):

    dependencies = [
        ("conflicts", "0008_conflict_country"),
    ]

    operations = [
        migrations.RunPython(apply, revert, elidable=False),
    ]
