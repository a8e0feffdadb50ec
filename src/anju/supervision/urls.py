from django.urls import path

from anju.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.plan, name="plan"),
    path("plan/draw", views.plan_draw, name="plan_draw"),
    path("plan/add", views.plan_add, name="plan_add"),
    path("plan/rows/<int:row_id>/remove", views.plan_remove, name="plan_remove"),
    path("plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("lookbacks/", views.lookbacks, name="lookbacks"),
    path("lookbacks/<int:campaign_id>/", views.lookback_detail, name="lookback_detail"),
    path("lookbacks/<int:campaign_id>/houses/<int:house_id>/revisit", views.revisit,
         name="revisit"),
    path("summaries/", views.summaries, name="summaries"),
    path("summaries/<int:summary_id>/", views.summary_detail, name="summary_detail"),
    path("summaries/<int:summary_id>/submit", views.summary_submit, name="summary_submit"),
    path("summaries/<int:summary_id>/summary.pdf", views.summary_pdf, name="summary_pdf"),
]
