from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render

from anju.accounts.access import public, requires
from anju.divisions.models import Division
from anju.registry.codes import Grade
from anju.registry.queries import households_for_user, houses_for_user


@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@requires("registry.view")
def home(request):
    user = request.user
    houses = houses_for_user(user).order_by()
    by_grade = dict(houses.values_list("grade").annotate(n=Count("id")))
    return render(request, "home.html", {
        "division": Division.objects.filter(code=user.scope).first(),
        "household_count": households_for_user(user).count(),
        "house_count": sum(by_grade.values()),
        "grades": [(g, by_grade.get(g.value, 0)) for g in Grade],
        "occupied_dangerous": houses.filter(grade__in=["C", "D"], occupancy="occupied").count(),
    })
