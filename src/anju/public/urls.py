from django.urls import path

from anju.public import views

app_name = "public"
urlpatterns = [
    path("h/<str:token>/", views.sign_page, name="sign"),
    path("status/", views.status_page, name="status"),
    path("n/<str:token>/", views.notice_page, name="notice"),
    path("notices/<int:notice_id>/qr.svg", views.notice_qr, name="notice_qr"),
    path("signs/", views.signs, name="signs"),
    path("signs/print", views.signs_pdf, name="signs_pdf"),
    path("signs/<int:entry_id>/revoke", views.revoke_sign, name="revoke_sign"),
    path("signs/phone", views.township_phone, name="township_phone"),
    path("leads/", views.leads, name="leads"),
    path("leads/<int:lead_id>/", views.lead_detail, name="lead"),
    path("leads/<int:lead_id>/photo", views.lead_photo, name="lead_photo"),
]
