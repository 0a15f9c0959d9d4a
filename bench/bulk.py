"""Time inserting N authors: the rendered `Repository.create_many` against raw asyncpg.

Run in the rendered project's environment, with `DATABASE_URL` set: `python bulk.py <package>
<rows>`. Prints one JSON object: seconds for the repository (values, INSERTs, commit) and for
asyncpg's `executemany` and `copy_records_to_table`, each into an emptied table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import json
import os
import sys
import time
from typing import Any

import asyncpg


async def _repository(package: str, rows: int) -> float:
    db = importlib.import_module(f"{package}.db")
    models = importlib.import_module(f"{package}.models")
    repositories = importlib.import_module(f"{package}.repositories")
    items = [models.AuthorCreate(name=f"author {n}") for n in range(rows)]
    sessionmaker = db.get_sessionmaker()
    async with sessionmaker() as session:
        # Connected before the clock starts, as asyncpg's connection is: the first connect
        # (the dialect's initialisation queries included) is not the insert's work. The pool
        # keeps the connection between the two rounds, as asyncpg's is kept, with the
        # statements it prepared.
        await session.connection()
    started = time.perf_counter()
    async with sessionmaker.begin() as session:
        await repositories.AuthorRepository(session).create_many(items)
    return time.perf_counter() - started


async def _raw(connection: asyncpg.Connection, rows: int, how: str) -> float:
    now = dt.datetime.now(dt.UTC)
    records: list[tuple[Any, ...]] = [(f"author {n}", now, now) for n in range(rows)]
    started = time.perf_counter()
    async with connection.transaction():
        if how == "copy":
            await connection.copy_records_to_table(
                "author", records=records, columns=["name", "created_at", "updated_at"]
            )
        else:
            await connection.executemany(
                "INSERT INTO author (name, created_at, updated_at) VALUES ($1, $2, $3)", records
            )
    return time.perf_counter() - started


async def main(package: str, rows: int) -> None:
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    clear = "TRUNCATE author RESTART IDENTITY CASCADE"
    try:
        timings: dict[str, float] = {}
        # Each twice, alternated, the best of the two kept: the machines are noisy.
        for how in ("repository", "executemany", "copy") * 2:
            await connection.execute(clear)
            if how == "repository":
                seconds = await _repository(package, rows)
            else:
                seconds = await _raw(connection, rows, how)
            timings[how] = min(seconds, timings.get(how, seconds))
        await connection.execute(clear)
    finally:
        await connection.close()
        await importlib.import_module(f"{package}.db").get_engine().dispose()
    print(json.dumps(timings))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
