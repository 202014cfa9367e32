"""FastAPI dependencies."""

from typing import Annotated

from fastapi import Depends, Request

from graph.db import Graph


def get_graph(request: Request) -> Graph:
    return request.app.state.graph


GraphDep = Annotated[Graph, Depends(get_graph)]
