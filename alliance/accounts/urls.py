from django.contrib.auth import views as auth_views
from django.urls import path

from alliance.accounts import clinic_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("setup/", views.set_up, name="setup"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("security/", views.security, name="security"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
    path("clinic/members/", clinic_views.members, name="clinic_members"),
    path("clinic/members/invite/", clinic_views.invite, name="clinic_invite"),
    path("clinic/members/<uuid:member_uuid>/", clinic_views.member, name="clinic_member"),
    path(
        "clinic/invitations/<uuid:invitation_uuid>/revoke/",
        clinic_views.revoke_invitation,
        name="clinic_revoke_invitation",
    ),
    path("clinic/settings/", clinic_views.clinic_settings, name="clinic_settings"),
]
