"""The app's pages, one router per concern; ``create_app`` includes every one in ``ROUTERS``."""

from __future__ import annotations

from fastapi import APIRouter

from clearsight.web.routes import (
    admin,
    alerts,
    audit,
    auth,
    charts,
    data,
    disruption,
    home,
    language,
    linkage_review,
    networks,
    people,
    places,
    readiness,
    review,
    search,
    timeline,
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
    linkage_review.router,
    language.router,
    data.router,
    admin.router,
    audit.router,
    timeline.router,
    places.router,
    readiness.router,
    alerts.router,
]
