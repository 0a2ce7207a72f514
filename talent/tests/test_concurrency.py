"""An advisor's monthly capacity holds under parallel accepts from separate connections."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.exceptions import ConflictError
from talent import services
from talent.choices import ConsultationStatus
from talent.models import Consultation

from .factories import AdvisorFactory, ConsultationFactory


@pytest.mark.django_db(transaction=True)
def test_parallel_accepts_never_pass_the_monthly_capacity():
    assert connection.vendor == "postgresql"
    advisor = AdvisorFactory(monthly_capacity=3)
    requests = ConsultationFactory.create_batch(12, advisor=advisor)
    moment = timezone.now() + timedelta(days=45)
    barrier = threading.Barrier(len(requests))
    outcomes, errors = [], []

    def accept(consultation):
        try:
            barrier.wait()
            services.consultation_accept(
                consultation=consultation, user=advisor.user, scheduled_at=moment
            )
            outcomes.append("accepted")
        except ConflictError:
            outcomes.append("full")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count("accepted") == 3
    assert outcomes.count("full") == 9
    assert Consultation.objects.filter(status=ConsultationStatus.ACCEPTED).count() == 3
