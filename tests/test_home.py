import pytest

from tests.factories import make_event, make_side

pytestmark = pytest.mark.django_db


def test_home_page_renders_with_no_data(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Conflict encyclopedia" in response.content


def test_home_page_lists_offensives(client):
    side = make_side()
    make_event(side.conflict)
    response = client.get("/")
    assert side.conflict.name in response.content.decode()
def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
