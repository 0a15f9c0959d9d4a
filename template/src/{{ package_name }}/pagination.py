"""One page of a list, the type every list endpoint and repository returns, and the window of
rows a list may ask for on every surface."""

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, Field

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE} rows.")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="How many rows to skip.")]

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """The items of one page, how many rows match in all, and the window that was asked for."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int
