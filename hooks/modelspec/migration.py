"""The tables of the initial Alembic revision, from the same definitions as the models."""

from __future__ import annotations

from dataclasses import dataclass, field

from .access import OWNER_COLUMN as OWNER
from .codegen import ModelView, Options
from .fieldtypes import TYPES
from .spec import ModelDef, creation_order

TIMESTAMP = "sa.DateTime(timezone=True)"


@dataclass
class Column:
    name: str
    type: str
    nullable: bool


@dataclass
class ForeignKey:
    column: str
    target: str
    """The referred-to table."""
    name: str
    on_delete: str


@dataclass
class Index:
    name: str
    column: str
    unique: bool


@dataclass
class Unique:
    name: str
    columns: str
    """The columns, as the arguments of `sa.UniqueConstraint(...)`: `"owner_id", "name"`."""


def unique_constraint(name: str, *columns: str) -> Unique:
    return Unique(name, ", ".join(f'"{column}"' for column in columns))


@dataclass
class Table:
    """One `op.create_table(...)` and the indexes created after it."""

    name: str
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[Unique] = field(default_factory=list)
    """Unique constraints of the fields that are unique but not indexed (or unique per owner)."""
    indexes: list[Index] = field(default_factory=list)

    @property
    def constraint_names(self) -> list[str]:
        names = [f"pk_{self.name}", *(key.name for key in self.foreign_keys)]
        return names + [index.name for index in self.uniques + self.indexes]


@dataclass
class Migration:
    """What the initial revision's template fills in."""

    tables: list[Table]
    """In creation order: a table after the tables it refers to."""
    drops: list[str]
    """Tables in the order the downgrade drops them."""
    enum_types: list[str]
    """PostgreSQL enum types the downgrade drops after the tables."""
    postgresql_types: bool
    """Whether a column type comes from `sqlalchemy.dialects.postgresql`."""

    @property
    def constraint_names(self) -> list[str]:
        return [name for table in self.tables for name in table.constraint_names]


def _model_table(model: ModelDef, view: ModelView, options: Options) -> Table:
    id_type = _id_type(options)
    table = Table(view.table, [Column("id", id_type, nullable=False)], ["id"])
    if model.owned:
        table.columns.append(Column(OWNER, id_type, nullable=False))
        table.foreign_keys.append(ForeignKey(OWNER, "users", f"fk_{table.name}_{OWNER}", "CASCADE"))
        table.indexes.append(Index(f"ix_{table.name}_{OWNER}", OWNER, unique=False))
    for spec in model.fields:
        kind = TYPES[spec.type]
        column = kind.column
        if options.database == "sqlite" and kind.sqlite_column is not None:
            column = kind.sqlite_column
        table.columns.append(Column(spec.name, kind.text(column, spec), nullable=spec.optional))
        # An owned model's unique field is unique per owner: a constraint of both columns.
        unique = spec.unique and not model.owned
        if spec.index:
            table.indexes.append(Index(f"ix_{table.name}_{spec.name}", spec.name, unique))
        elif unique:
            table.uniques.append(unique_constraint(f"uq_{table.name}_{spec.name}", spec.name))
        if spec.unique and model.owned:
            name = f"uq_{table.name}_{OWNER}_{spec.name}"
            table.uniques.append(unique_constraint(name, OWNER, spec.name))
    for relation in view.to_one:
        table.columns.append(Column(relation.fk_column, id_type, nullable=not relation.required))
    if model.timestamps:
        table.columns.append(Column("created_at", TIMESTAMP, nullable=False))
        table.columns.append(Column("updated_at", TIMESTAMP, nullable=False))
    if model.soft_delete:
        table.columns.append(Column("deleted_at", TIMESTAMP, nullable=True))
    for relation in view.to_one:
        name = f"fk_{table.name}_{relation.fk_column}"
        key = ForeignKey(relation.fk_column, relation.target_snake, name, relation.on_delete_sql)
        table.foreign_keys.append(key)
        table.indexes.append(Index(relation.index, relation.fk_column, unique=False))
    return table


def users_tables(options: Options) -> list[Table]:
    """The tables of `auth: users`: the accounts people sign in with (the `User` model's), their
    personal API keys, the refresh tokens they hold, and their failed sign-ins."""
    id_type = _id_type(options)
    users = Table("users", [Column("id", id_type, nullable=False)], ["id"])
    users.columns += [
        Column("email", "sa.String(length=320)", nullable=False),
        Column("hashed_password", "sa.String(length=255)", nullable=False),
        Column("is_superuser", "sa.Boolean()", nullable=False),
        Column("is_active", "sa.Boolean()", nullable=False),
        Column("created_at", TIMESTAMP, nullable=False),
        Column("updated_at", TIMESTAMP, nullable=False),
    ]
    users.indexes.append(Index("ix_users_email", "email", unique=True))
    keys = _users_table(
        "api_key",
        id_type,
        "key_hash",
        Column("name", "sa.String(length=100)", nullable=False),
        Column("created_at", TIMESTAMP, nullable=False),
    )
    tokens = _users_table(
        "refresh_token",
        id_type,
        "token_hash",
        Column("family", "sa.Uuid()", nullable=False),
        Column("expires_at", TIMESTAMP, nullable=False),
        Column("spent_at", TIMESTAMP, nullable=True),
        Column("revoked_at", TIMESTAMP, nullable=True),
    )
    tokens.indexes.append(Index("ix_refresh_token_family", "family", unique=False))
    failures = Table("sign_in_failure", [Column("id", id_type, nullable=False)], ["id"])
    failures.columns += [
        Column("email", "sa.String(length=320)", nullable=False),
        Column("client", "sa.String(length=64)", nullable=False),
        Column("failed_at", TIMESTAMP, nullable=False),
    ]
    failures.indexes.append(Index("ix_sign_in_failure_email", "email", unique=False))
    return [users, keys, tokens, failures]


def _users_table(name: str, id_type: str, hash_column: str, *columns: Column) -> Table:
    """A table of things a user holds (deleted with them), each found by the SHA-256 hash in
    `hash_column`."""
    table = Table(name, [Column("id", id_type, nullable=False)], ["id"])
    table.columns += [
        Column("user_id", id_type, nullable=False),
        Column(hash_column, "sa.String(length=64)", nullable=False),
        *columns,
    ]
    table.foreign_keys.append(ForeignKey("user_id", "users", f"fk_{name}_user_id", "CASCADE"))
    table.indexes += [
        Index(f"ix_{name}_{hash_column}", hash_column, unique=True),
        Index(f"ix_{name}_user_id", "user_id", unique=False),
    ]
    return table


def _id_type(options: Options) -> str:
    return "sa.Integer()" if options.id_type == "int" else "sa.Uuid()"


def build_migration(
    models: list[ModelDef], views: dict[str, ModelView], options: Options, *, users: bool
) -> Migration:
    """The initial revision: the users table (under `auth: users`), every model's table, then
    every link table."""
    tables = [_model_table(model, views[model.name], options) for model in creation_order(models)]
    if users:
        tables = users_tables(options) + tables
    id_type = _id_type(options)
    links: list[Table] = []
    for view in views.values():
        for link in view.many:
            columns = [link.left_column, link.right_column]
            table = Table(
                link.link_table,
                [Column(name, id_type, nullable=False) for name in columns],
                columns,
            )
            for column, target in zip(columns, (view.table, link.target_snake), strict=True):
                name = f"fk_{table.name}_{column}"
                table.foreign_keys.append(ForeignKey(column, target, name, "CASCADE"))
            right = link.right_column
            table.indexes.append(Index(f"ix_{table.name}_{right}", right, unique=False))
            links.append(table)
    enum_types = [
        spec.enum_type for model in models for spec in model.fields if spec.type == "enum"
    ]
    postgresql = options.database == "postgresql"
    return Migration(
        tables=tables + links,
        drops=[table.name for table in links] + [table.name for table in reversed(tables)],
        enum_types=enum_types if postgresql else [],
        postgresql_types=postgresql
        and any(spec.type == "json" for model in models for spec in model.fields),
    )
