from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [path("preferences/<str:token>/", views.preference, name="preference")]
