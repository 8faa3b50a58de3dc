app_name = "deadlines"

urlpatterns = []
