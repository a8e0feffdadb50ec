from django.urls import path

from anju.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    *(path(f"users/<int:user_id>/{operation}", views.user_security, {"operation": operation},
           name=f"user_{operation.replace('-', '_')}")
      for operation in ("unlock", "reset-otp", "revoke-tokens", "reset-password")),
]
