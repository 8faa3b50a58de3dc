app_name = "rapidreview"

urlpatterns = []
