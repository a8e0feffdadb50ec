from django.urls import path

from anju.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.quality_page, name="page"),
    path("worklist/", views.worklist, name="worklist"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:finding_id>/similar/", views.finding_similar, name="finding_similar"),
    path("findings/<int:finding_id>/notify", views.finding_notify, name="finding_notify"),
    path("sweep", views.sweep_run, name="sweep"),
    path("spot-checks/new", views.spot_check_create, name="spot_check_create"),
    path("spot-checks/<int:spot_check_id>/", views.spot_check_detail, name="spot_check_detail"),
    path("houses/<int:house_id>/verify/", views.verify_house, name="verify_house"),
    path("houses/<int:house_id>/panel/", views.house_panel, name="house_panel"),
]
