from django.urls import path

from anju.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("queue/", views.approval_queue_page, name="queue"),
    path("funds/", views.funds, name="funds"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:request_id>/", views.fund_request, name="fund_request"),
    path("funds/<int:request_id>/<action>/", views.fund_act, name="fund_act"),
    path("departments/<str:department>/", views.department_queue_page,
         name="department_queue"),
    path("window/", views.window_page, name="window"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/archive/", views.archive, name="archive"),
    path("cases/<int:case_id>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("cases/<int:case_id>/archive.pdf", views.archive_pdf, name="archive_pdf"),
    path("cases/<int:case_id>/<action>/", views.act, name="act"),
    path("notices/<int:notice_id>/", views.publicity, name="publicity"),
    path("households/<int:household_id>/", views.household, name="household"),
    path("households/<int:household_id>/apply/", views.apply, name="apply"),
    path("certifications/<int:certification_id>/lapse/", views.lapse, name="lapse"),
    path("craftsmen/", views.register, name="register"),
    path("craftsmen/new/", views.craftsman_new, name="craftsman_new"),
    path("contractors/new/", views.contractor_new, name="contractor_new"),
]
