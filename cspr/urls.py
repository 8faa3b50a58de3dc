from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cspr import views
from cspr.accounts.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "account/sign-in/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("cspr.accounts.urls")),
    path("admin/", admin.site.urls),
    path("referrals/", include("referrals.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("", include("rapidreview.urls")),
]

admin.site.site_header = "Child Safeguarding Practice Reviews — administration"
admin.site.site_title = "CSPR administration"
