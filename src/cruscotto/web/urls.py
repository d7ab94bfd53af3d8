from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cruscotto.api.v1 import api as api_v1

from .accounts import LoginView, PasswordResetView, SprayGuard, offered

urlpatterns = [
    path("api/v1/", api_v1.urls),
    path("accounts/login/", SprayGuard(LoginView.as_view()), name="login"),
    # Password reset: offered only where mail reaches people, and a failed send is said (accounts.py).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        offered(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        offered(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", offered(auth_views.PasswordResetCompleteView.as_view()), name="password_reset_complete"
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("cruscotto.performance.urls")),
]

handler403 = "cruscotto.performance.views.forbidden"
handler404 = "cruscotto.performance.views.not_found"
handler500 = "cruscotto.performance.views.server_error"
