"""The REST layer's spec-dependent statements: route functions, dependency aliases, imports."""

from __future__ import annotations

from typing import Any

from .pyfmt import Call, Kw, Node, call, statement
from .pyimports import ImportBlock


def _def(name: str, params: list[str], returns: str) -> str:
    return statement("async def ", call(name, *params), 0, f" -> {returns}:")


def _route(
    decorator: str, name: str, params: list[str], returns: str, doc: str, body: list[str]
) -> dict[str, Any]:
    return {
        "decorator": decorator,
        "signature": _def(name, params, returns),
        "doc": doc,
        "body": body,
    }


def _return(node: Node) -> str:
    return statement("return ", node, 1)


def _page(schema: str, paginate: Node) -> list[str]:
    """`page = await ...paginate(...)`, then the page of `schema` items returned."""
    return [
        statement("page = ", paginate, 1),
        _return(call(f"Page[{schema}].model_validate", "page", Kw("from_attributes", "True"))),
    ]


def route_module(
    code: dict[str, Any], codes: dict[str, dict[str, Any]], package: str
) -> dict[str, Any]:
    """Routes of one model: create, list, get, update, delete, and one list per collection."""
    name, snake, plural, title = code["name"], code["snake"], code["plural"], code["title"]
    read = code["read_schema"]
    repo = f"{plural}: {name}RepositoryDep"
    id_param = f"{snake}_id: RowId"
    query = f"query: Annotated[{name}Query, Query()]"
    routes = [
        _route(
            '@router.post("", status_code=status.HTTP_201_CREATED)',
            f"create_{snake}",
            [f"payload: {name}Create", repo],
            read,
            f"Create a {title}.",
            [_return(call(f"{read}.model_validate", f"await {plural}.create(payload)"))],
        ),
        _route(
            '@router.get("")',
            f"list_{plural}",
            [query, repo],
            f"Page[{read}]",
            f"List {code['title_plural']}, a page at a time, filtered and ordered by the query.",
            _page(read, f"await {plural}.paginate(query)"),
        ),
        _route(
            f'@router.get("/{{{snake}_id}}")',
            f"get_{snake}",
            [id_param, repo],
            read,
            f"Get one {title}.",
            [_return(call(f"{read}.model_validate", f"await {plural}.get({snake}_id)"))],
        ),
        _route(
            f'@router.patch("/{{{snake}_id}}")',
            f"update_{snake}",
            [id_param, f"payload: {name}Update", repo],
            read,
            "Change the fields the body holds; the others keep their values.",
            [
                _return(
                    call(f"{read}.model_validate", f"await {plural}.update({snake}_id, payload)")
                )
            ],
        ),
        _route(
            f'@router.delete("/{{{snake}_id}}", status_code=status.HTTP_204_NO_CONTENT)',
            f"delete_{snake}",
            [id_param, repo],
            "None",
            f"Delete a {title}."
            + (
                " It is only marked deleted: reads no longer see it." if code["soft_delete"] else ""
            ),
            [statement("", f"await {plural}.delete({snake}_id)", 1)],
        ),
    ]
    block = ImportBlock(first_party=package)
    block.from_("typing", "Annotated").from_("fastapi", "APIRouter", "Query", "status")
    block.from_(f"{package}.api.deps", f"{name}RepositoryDep")
    block.from_(f"{package}.models", f"{name}Create", f"{name}Query", f"{name}Update", read)
    block.from_(f"{package}.models.base", "RowId").from_(f"{package}.pagination", "Page")
    for collection in code["collections"]:
        source = codes[collection["source"]]
        source_read, source_plural = source["read_schema"], source["plural"]
        params = [id_param, f"query: Annotated[{source['name']}Query, Query()]", repo]
        if not collection["self_ref"]:
            params.append(f"{source_plural}: {source['name']}RepositoryDep")
            block.from_(f"{package}.api.deps", f"{source['name']}RepositoryDep")
        block.from_("sqlmodel", "col")
        block.from_(f"{package}.models", source["name"], f"{source['name']}Query", source_read)
        where = f"col({source['name']}.{collection['fk_column']}) == {snake}_id"
        routes.append(
            _route(
                f'@router.get("/{{{snake}_id}}/{collection["name"]}")',
                f"list_{snake}_{collection['name']}",
                params,
                f"Page[{source_read}]",
                f"List the {collection['name'].replace('_', ' ')} of a {title}.",
                [
                    statement("", f"await {plural}.get({snake}_id)", 1),
                    *_page(source_read, call(f"await {source_plural}.paginate", "query", where)),
                ],
            )
        )
    return {"imports": block.render(), "routes": routes}


def deps(codes: list[dict[str, Any]], package: str) -> dict[str, Any]:
    """The repository dependency aliases of `api/deps.py` and what they import."""
    block = ImportBlock(first_party=package).from_(f"{package}.repositories", "Repository")
    block.from_(f"{package}.repositories", *(f"{code['name']}Repository" for code in codes))
    aliases = [
        statement(
            f"{code['name']}RepositoryDep = ",
            Call(
                "Annotated",
                (f"{code['name']}Repository", f"Depends(repository({code['name']}Repository))"),
                "[",
                "]",
            ),
            0,
        )
        for code in codes
    ]
    routes = sorted(code["plural"] for code in codes)
    router_imports = ImportBlock(first_party=package).from_("fastapi", "APIRouter")
    router_imports.from_(f"{package}.api.routes", *routes)
    return {
        "imports": block.render(),
        "aliases": aliases,
        "route_modules": routes,
        "router_imports": router_imports.render(),
    }
