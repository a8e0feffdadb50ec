from django.urls import path

from anju.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.ledger_list, name="ledger_list"),
    path("houses/<int:house_id>/", views.house_entry, name="house_entry"),
    path("<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("<int:entry_id>/measure", views.record_measure, name="measure"),
    path("<int:entry_id>/check", views.record_check, name="check"),
    path("<int:entry_id>/plan", views.record_plan, name="plan"),
    path("<int:entry_id>/acceptance", views.record_acceptance, name="acceptance"),
    path("<int:entry_id>/sign-off", views.sign_off, name="sign_off"),
    path("<int:entry_id>/reopen", views.reopen, name="reopen"),
]
