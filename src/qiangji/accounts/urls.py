from django.urls import path

from qiangji.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("people/<int:pk>/grants/<int:grant_pk>/revoke/", views.revoke_grant, name="revoke_grant"),
]
