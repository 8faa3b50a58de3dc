from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cspr import views
from cspr.accounts.forms import LoginForm
from cspr.accounts.middleware import two_factor_exempt

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "account/sign-in/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("account/sign-out/", two_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("account/", include("cspr.accounts.urls")),
    path("admin/", admin.site.urls),
    path("referrals/", include("referrals.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("", include("rapidreview.urls")),
]

# Error pages in the service's look (templates/400.html, 403.html, 404.html, 500.html);
# 403 shows the refusal's own sentence. The 500 page needs neither database nor session.
handler500 = "cspr.views.server_error"
