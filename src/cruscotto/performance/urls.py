from django.urls import path, register_converter

from . import views


class EnteConverter:
    regex = r"[A-Za-z0-9._-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(EnteConverter, "ente")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/lavori", views.healthz_lavori, name="healthz_lavori"),
    path("amministrazione/enti/nuovo/", views.ente_nuovo, name="ente_nuovo"),
    path("<ente:ente>/amministrazione/", views.amministrazione, name="amministrazione"),
    path("robots.txt", views.robots),
    path("<ente:ente>/<int:anno>/", views.cruscotto, name="cruscotto"),
    path("<ente:ente>/<int:anno>/albero/", views.albero, name="albero"),
    path("<ente:ente>/<int:anno>/indicatori/<str:codice>/", views.indicatore, name="indicatore"),
    path("<ente:ente>/<int:anno>/monitoraggio/", views.monitoraggio, name="monitoraggio"),
    path("<ente:ente>/<int:anno>/monitoraggio/insieme/", views.monitoraggio_insieme, name="monitoraggio_insieme"),
    path("<ente:ente>/<int:anno>/monitoraggio/carica/", views.monitoraggio_carica, name="monitoraggio_carica"),
    path("<ente:ente>/<int:anno>/monitoraggio/<str:codice>/", views.monitoraggio_riga, name="monitoraggio_riga"),
    path("<ente:ente>/<int:anno>/mappa/", views.mappa, name="mappa"),
    path("<ente:ente>/<int:anno>/aree/", views.aree, name="aree"),
    path("<ente:ente>/<int:anno>/aree/<str:struttura>/", views.area, name="area"),
    path("<ente:ente>/<int:anno>/individuale/", views.individuale, name="individuale"),
    path("<ente:ente>/<int:anno>/confronto/", views.confronto, name="confronto"),
    path("<ente:ente>/<int:anno>/valutazione/", views.valutazione, name="valutazione"),
    path("<ente:ente>/<int:anno>/valutazione/premi/", views.valutazione_premi, name="valutazione_premi"),
    path("<ente:ente>/<int:anno>/valutazione/schede.xlsx", views.valutazione_schede_xlsx, name="valutazione_xlsx"),
    path("<ente:ente>/<int:anno>/valutazione/<str:matricola>/", views.valutazione_scheda, name="valutazione_scheda"),
    path(
        "<ente:ente>/<int:anno>/valutazione/<str:matricola>/scheda-<str:fase>.<str:fmt>",
        views.valutazione_scheda_documento,
        name="valutazione_documento",
    ),
    path("<ente:ente>/<int:anno>/fondo/", views.fondo, name="fondo"),
    path("<ente:ente>/<int:anno>/eventi/", views.eventi, name="eventi"),
    path("<ente:ente>/<int:anno>/documenti/", views.documenti, name="documenti"),
    path("<ente:ente>/<int:anno>/documenti/<str:token>/", views.documento_stato, name="documento_stato"),
    path("<ente:ente>/<int:anno>/documenti/<str:token>/scarica/", views.documento_scarica, name="documento_scarica"),
    path("<ente:ente>/<int:anno>/documenti/<str:token>/riprova/", views.documento_riprova, name="documento_riprova"),
    path("<ente:ente>/<int:anno>/ciclo/", views.ciclo_pagina, name="ciclo"),
    path("<ente:ente>/<int:anno>/ciclo/adotta/", views.ciclo_adotta, name="ciclo_adotta"),
    path("<ente:ente>/<int:anno>/ciclo/sposta/", views.ciclo_sposta, name="ciclo_sposta"),
    path("<ente:ente>/<int:anno>/ciclo/rimodula/", views.ciclo_rimodula, name="ciclo_rimodula"),
    path("<ente:ente>/<int:anno>/ciclo/elimina-bozza/", views.ciclo_elimina_bozza, name="ciclo_elimina_bozza"),
    path("<ente:ente>/<int:anno>/ciclo/scorrimento/", views.ciclo_scorrimento, name="ciclo_scorrimento"),
    path("<ente:ente>/<int:anno>/ciclo/chiudi-periodo/", views.ciclo_chiudi_periodo, name="ciclo_chiudi_periodo"),
    path("<ente:ente>/<int:anno>/ciclo/commenta/", views.ciclo_commenta, name="ciclo_commenta"),
    path("<ente:ente>/<int:anno>/ciclo/approva/", views.ciclo_approva, name="ciclo_approva"),
    path("<ente:ente>/<int:anno>/ciclo/testi/", views.ciclo_testi, name="ciclo_testi"),
    path("<ente:ente>/<int:anno>/calendario/", views.calendario, name="calendario"),
    path("<ente:ente>/<int:anno>/calendario.ics", views.calendario_ics, name="calendario_ics"),
    path("<ente:ente>/<int:anno>/ciclo/neutralizza/", views.ciclo_neutralizza, name="ciclo_neutralizza"),
    path("<ente:ente>/<int:anno>/ciclo/revoca/", views.ciclo_revoca, name="ciclo_revoca"),
    path(
        "<ente:ente>/<int:anno>/relazione-approvata.<str:fmt>",
        views.relazione_approvata,
        name="relazione_approvata",
    ),
    path("<ente:ente>/<int:anno>/bilancio/", views.bilancio, name="bilancio"),
    path("<ente:ente>/<int:anno>/personale/", views.personale, name="personale"),
    path("<ente:ente>/<int:anno>/contesto/", views.contesto, name="contesto"),
    path("<ente:ente>/<int:anno>/ciclo/versioni/<int:a>/<int:b>/", views.versioni_diff, name="versioni_diff"),
    path("<ente:ente>/<int:anno>/piao/", views.piao, name="piao"),
    path("<ente:ente>/<int:anno>/piao/rischi/", views.piao_rischi, name="piao_rischi"),
    path("<ente:ente>/<int:anno>/piao/misure/", views.piao_misure, name="piao_misure"),
    path("<ente:ente>/<int:anno>/piao/relazione-rpct/", views.piao_rpct, name="piao_rpct"),
    path("<ente:ente>/<int:anno>/piao/relazione-rpct.<str:fmt>", views.piao_rpct_documento, name="piao_rpct_documento"),
    path("<ente:ente>/<int:anno>/piao/valore-pubblico/", views.piao_valore_pubblico, name="piao_valore_pubblico"),
    path("<ente:ente>/<int:anno>/piao/organizzazione/", views.piao_organizzazione, name="piao_organizzazione"),
    path("<ente:ente>/<int:anno>/piao/confronto/", views.piao_confronto, name="piao_confronto"),
    path("<ente:ente>/<int:anno>/piao/trasparenza/", views.piao_trasparenza, name="piao_trasparenza"),
    path("<ente:ente>/<int:anno>/registro/", views.registro, name="registro"),
    path("<ente:ente>/<int:anno>/registro/verifica/", views.registro_verifica, name="registro_verifica"),
    path("<ente:ente>/<int:anno>/piano/", views.piano_pagina, name="piano"),
    path("<ente:ente>/<int:anno>/piano/importa/", views.piano_importa, name="piano_importa"),
    path("<ente:ente>/<int:anno>/piano/conferma/", views.piano_conferma, name="piano_conferma"),
    path("<ente:ente>/<int:anno>/piano/importa/<str:token>/", views.piano_lavoro, name="piano_lavoro"),
    path(
        "<ente:ente>/<int:anno>/piano/indicatori/<str:codice>/", views.indicatore_modifica, name="indicatore_modifica"
    ),
    path(
        "<ente:ente>/<int:anno>/piano/indicatori/<str:codice>/elimina/",
        views.indicatore_elimina,
        name="indicatore_elimina",
    ),
    path(
        "<ente:ente>/<int:anno>/piano/<str:livello>/<str:padre>/nuovo-indicatore/",
        views.indicatore_nuovo,
        name="indicatore_nuovo",
    ),
    path("<ente:ente>/<int:anno>/piano/<str:livello>/<str:padre>/nuovo/", views.nodo_nuovo, name="nodo_nuovo"),
    path("<ente:ente>/<int:anno>/piano/<str:livello>/<str:codice>/elimina/", views.nodo_elimina, name="nodo_elimina"),
    path("<ente:ente>/<int:anno>/piano/<str:livello>/<str:codice>/", views.nodo_modifica, name="nodo_modifica"),
]
