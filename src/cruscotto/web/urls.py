from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cruscotto.api.v1 import api as api_v1

urlpatterns = [
    path("api/v1/", api_v1.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("cruscotto.performance.urls")),
]

handler403 = "cruscotto.performance.views.forbidden"
handler404 = "cruscotto.performance.views.not_found"
handler500 = "cruscotto.performance.views.server_error"
