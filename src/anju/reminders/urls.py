from django.urls import path

from anju.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:message_id>/read", views.read, name="read"),
    path("read-all", views.read_all, name="read_all"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/retry", views.retry, name="retry"),
]
