"""One page of a list, the type every list endpoint and repository returns."""

from typing import Generic, TypeVar

from pydantic import BaseModel

MAX_PAGE_SIZE = 100

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """The items of one page, how many rows match in all, and the window that was asked for."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int
