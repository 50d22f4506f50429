"""Themes store their translations as events and sessions do: the English name and
description in columns, the other languages in ``translations``

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import tables_copied_safely

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

OTHER_LANGUAGES = ("fr", "ar")
FIELDS = ("name", "description")
themes = sa.table(
    "themes",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("translations", sa.JSON),
    *(
        sa.column(f"{field}_{language}", sa.Text)
        for field in FIELDS
        for language in ("en", *OTHER_LANGUAGES)
    ),
)


def upgrade() -> None:
    with op.batch_alter_table("themes") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), server_default="{}", nullable=False)
        )
    bind = op.get_bind()
    for row in bind.execute(sa.select(themes)).all():
        translations = {}
        for language in OTHER_LANGUAGES:
            texts = {
                field: text.strip()
                for field in FIELDS
                if (text := getattr(row, f"{field}_{language}")) and text.strip()
            }
            if texts:
                translations[language] = texts
        bind.execute(
            sa.update(themes)
            .where(themes.c.id == row.id)
            .values(name=row.name_en, description=row.description_en, translations=translations)
        )
    with tables_copied_safely(op), op.batch_alter_table("themes") as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=120), nullable=False)
        for field in FIELDS:
            for language in ("en", *OTHER_LANGUAGES):
                batch_op.drop_column(f"{field}_{language}")


def downgrade() -> None:
    with op.batch_alter_table("themes") as batch_op:
        for language in ("en", *OTHER_LANGUAGES):
            batch_op.add_column(sa.Column(f"name_{language}", sa.String(length=120), nullable=True))
            batch_op.add_column(sa.Column(f"description_{language}", sa.Text(), nullable=True))
    bind = op.get_bind()
    for row in bind.execute(
        sa.select(themes.c.id, themes.c.name, themes.c.description, themes.c.translations)
    ).all():
        values = {"name_en": row.name, "description_en": row.description}
        for language in OTHER_LANGUAGES:
            texts = (row.translations or {}).get(language, {})
            values[f"name_{language}"] = texts.get("name") or row.name
            values[f"description_{language}"] = texts.get("description")
        bind.execute(sa.update(themes).where(themes.c.id == row.id).values(**values))
    with tables_copied_safely(op), op.batch_alter_table("themes") as batch_op:
        for language in ("en", *OTHER_LANGUAGES):
            batch_op.alter_column(
                f"name_{language}", existing_type=sa.String(length=120), nullable=False
            )
        batch_op.drop_column("translations")
        batch_op.drop_column("description")
        batch_op.drop_column("name")
