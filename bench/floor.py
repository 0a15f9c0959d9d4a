"""The floor: the library's book endpoints in Starlette over raw asyncpg, hand-written SQL.

It answers the same JSON as the rendered service for the requests the benchmark sends (a book
with its author and its categories), with as little work as a careful hand-written service
would do: one statement per read (the categories aggregated in it), a pool, no ORM, no
validation beyond what the database enforces. Run with the rendered project's environment:
`uvicorn floor:app` with `DATABASE_URL` set.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOOK_COLUMNS = "b.id, b.title, b.isbn, b.pages, b.price, b.published, b.author_id"
BOOK = f"""
SELECT {BOOK_COLUMNS}, b.created_at, b.updated_at,
       a.name AS author_name, a.created_at AS author_created_at, a.updated_at AS author_updated_at,
       ARRAY(
           SELECT ROW(c.id, c.name, c.created_at, c.updated_at)
           FROM book_categories AS l JOIN category AS c ON c.id = l.category_id
           WHERE l.book_id = b.id ORDER BY c.id
       ) AS categories
FROM book AS b JOIN author AS a ON a.id = b.author_id
"""


def _instant(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _book(row: asyncpg.Record) -> dict[str, Any]:
    price: Decimal = row["price"]
    return {
        "title": row["title"],
        "isbn": row["isbn"],
        "pages": row["pages"],
        "price": str(price),
        "published": row["published"].isoformat(),
        "author_id": row["author_id"],
        "created_at": _instant(row["created_at"]),
        "updated_at": _instant(row["updated_at"]),
        "id": row["id"],
        "author": {
            "name": row["author_name"],
            "created_at": _instant(row["author_created_at"]),
            "updated_at": _instant(row["author_updated_at"]),
            "id": row["author_id"],
        },
        "categories": [
            {
                "name": name,
                "created_at": _instant(created),
                "updated_at": _instant(updated),
                "id": id_,
            }
            for id_, name, created, updated in row["categories"]
        ],
    }


async def get_book(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    row = await pool.fetchrow(f"{BOOK} WHERE b.id = $1", int(request.path_params["book_id"]))
    if row is None:
        return JSONResponse({"detail": "Book not found"}, status_code=404)
    return JSONResponse(_book(row))


async def list_books(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    limit = int(request.query_params.get("limit", 50))
    offset = int(request.query_params.get("offset", 0))
    async with pool.acquire() as connection:
        total = await connection.fetchval("SELECT count(*) FROM book")
        rows = await connection.fetch(f"{BOOK} ORDER BY b.id LIMIT $1 OFFSET $2", limit, offset)
    body = {"items": [_book(row) for row in rows], "total": total, "limit": limit, "offset": offset}
    return JSONResponse(body)


async def create_book(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    data = await request.json()
    async with pool.acquire() as connection, connection.transaction():
        book_id = await connection.fetchval(
            "INSERT INTO book (title, isbn, pages, price, published, author_id, created_at,"
            " updated_at) VALUES ($1, $2, $3, $4, $5, $6, now(), now()) RETURNING id",
            data["title"],
            data["isbn"],
            data["pages"],
            Decimal(data["price"]),
            dt.date.fromisoformat(data["published"]),
            data["author_id"],
        )
        await connection.execute(
            "INSERT INTO book_categories (book_id, category_id) SELECT $1, unnest($2::integer[])",
            book_id,
            data.get("category_ids", []),
        )
        row = await connection.fetchrow(f"{BOOK} WHERE b.id = $1", book_id)
    return JSONResponse(_book(row), status_code=201)


async def update_book(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    data = await request.json()
    book_id = int(request.path_params["book_id"])
    async with pool.acquire() as connection, connection.transaction():
        updated = await connection.fetchval(
            "UPDATE book SET title = $2, updated_at = now() WHERE id = $1 RETURNING id",
            book_id,
            data["title"],
        )
        if updated is None:
            return JSONResponse({"detail": "Book not found"}, status_code=404)
        row = await connection.fetchrow(f"{BOOK} WHERE b.id = $1", book_id)
    return JSONResponse(_book(row))


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    size = int(os.environ.get("FLOOR_POOL_SIZE", "16"))
    async with asyncpg.create_pool(url, min_size=size, max_size=size) as pool:
        app.state.pool = pool
        yield


app = Starlette(
    routes=[
        Route("/api/v1/books", list_books, methods=["GET"]),
        Route("/api/v1/books", create_book, methods=["POST"]),
        Route("/api/v1/books/{book_id:int}", get_book, methods=["GET"]),
        Route("/api/v1/books/{book_id:int}", update_book, methods=["PATCH"]),
    ],
    lifespan=lifespan,
)
