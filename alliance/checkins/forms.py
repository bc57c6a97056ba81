from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.checkins.models import MonitoringPlan


class PlanForm(forms.ModelForm[MonitoringPlan]):
    class Meta:
        model = MonitoringPlan
        fields = [
            "phq9_every_sessions",
            "gad7_every_sessions",
            "auto_invite_after_minutes",
            "reminder_after_hours",
        ]


class KioskPairForm(forms.Form):
    name = forms.CharField(max_length=80, label=_("Name of the tablet"), initial=_("Waiting room"))
