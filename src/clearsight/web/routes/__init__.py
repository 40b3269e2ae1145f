"""The app's pages, one router per concern; ``create_app`` includes every one in ``ROUTERS``."""

from __future__ import annotations

from fastapi import APIRouter

from clearsight.web.routes import (
    admin,
    audit,
    auth,
    charts,
    data,
    disruption,
    home,
    language,
    networks,
    people,
    review,
    search,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    home.router,
    search.router,
    people.router,
    networks.router,
    charts.router,
    disruption.router,
    review.router,
    language.router,
    data.router,
    admin.router,
    audit.router,
]
