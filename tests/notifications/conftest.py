from __future__ import annotations

import pytest

from tests.factories import Catalog, make_catalog
from tests.helpers import Api


@pytest.fixture
async def catalog(api: Api) -> Catalog:
    return await make_catalog(api.resources)
