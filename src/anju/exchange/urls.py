from django.urls import path

from anju.exchange import views

app_name = "exchange"
urlpatterns = [
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/rows", views.job_rows, name="job_rows"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/run", views.job_run, name="job_run"),
    path("import/", views.import_page, name="import"),
    path("export/", views.export_start, name="export"),
    path("national/", views.national_page, name="national"),
    path("national/export", views.national_export, name="national_export"),
    path("jobs/<int:job_id>/differences/", views.differences_page, name="differences"),
    path("jobs/<int:job_id>/differences/<int:difference_id>/<str:decision>",
         views.decide_difference, name="decide_difference"),
]
