from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

URL = reverse("web:health")


def test_it_answers_without_the_database(
    client: Client, db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_it_answers_a_head_request(client: Client) -> None:
    assert client.head(URL).status_code == 200


def test_it_refuses_a_post(client: Client) -> None:
    assert client.post(URL).status_code == 405
