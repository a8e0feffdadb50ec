from django.urls import path

from anju.appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("inspections/due/", views.inspections_due_page, name="inspections_due"),
    path("houses/<int:house_id>/", views.house_page, name="house_page"),
    path("houses/<int:house_id>/panel/", views.house_panel, name="house_panel"),
    path("houses/<int:house_id>/screenings/new/", views.screening_create,
         name="screening_create"),
    path("houses/<int:house_id>/screenings/item-row/", views.screening_item_row,
         name="screening_item_row"),
    path("houses/<int:house_id>/appraisals/new/", views.appraisal_create,
         name="appraisal_create"),
    path("houses/<int:house_id>/appraisals/preview/", views.appraisal_preview,
         name="appraisal_preview"),
    path("houses/<int:house_id>/inspections/new/", views.inspection_create,
         name="inspection_create"),
]
