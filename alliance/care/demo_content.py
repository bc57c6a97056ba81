"""Wordings for the demo caseload, in French and English.

Written to sound like real first sessions: the patient's words are plain and
personal, the therapist's words name the clinical work. Nothing here is a real
person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alliance.care.models import Approach, TaskKind


@dataclass(frozen=True)
class DemoTask:
    kind: TaskKind
    title: str
    description: str = ""


@dataclass(frozen=True)
class DemoGoal:
    patient: str
    therapist: str
    revised_patient: str = ""
    revised_therapist: str = ""
    revision_reason: str = ""
    tasks: tuple[DemoTask, ...] = ()
    # (−2, −1, 0, +1, +2) when the therapist uses Goal Attainment Scaling.
    scale: tuple[str, str, str, str, str] | None = None


@dataclass(frozen=True)
class Theme:
    approach: Approach
    fr: DemoGoal
    en: DemoGoal
    extra: dict[str, DemoGoal] = field(default_factory=dict)


HW, EX, DI = TaskKind.HOMEWORK, TaskKind.EXERCISE, TaskKind.DISCUSSION

THEMES: list[Theme] = [
    Theme(
        Approach.CBT,
        fr=DemoGoal(
            patient="Arriver à dormir sans ruminer toute la nuit",
            therapist="Réduire les ruminations nocturnes et retrouver un sommeil régulier",
            revised_patient="M'endormir en moins d'une demi-heure, au moins quatre soirs sur sept",
            revision_reason="Rendu plus concret après deux semaines d'agenda du sommeil.",
            tasks=(
                DemoTask(
                    HW, "Agenda du sommeil", "Heure du coucher, du réveil, réveils nocturnes."
                ),
                DemoTask(EX, "Relaxation musculaire progressive", "Version courte, 10 minutes."),
                DemoTask(HW, "Quart d'heure des soucis à 18 h", "Noter les soucis, pas au lit."),
            ),
            scale=(
                "Plus d'une heure pour s'endormir presque tous les soirs",
                "Plus d'une heure pour s'endormir la plupart des soirs",
                "Endormie en moins de 30 minutes quatre soirs sur sept",
                "Endormie en moins de 30 minutes cinq ou six soirs sur sept",
                "Endormie en moins de 30 minutes tous les soirs",
            ),
        ),
        en=DemoGoal(
            patient="Get to sleep without going over everything all night",
            therapist="Reduce night-time rumination and restore a regular sleep pattern",
            revised_patient="Fall asleep within half an hour at least four nights a week",
            revision_reason="Made concrete after two weeks of sleep diary.",
            tasks=(
                DemoTask(HW, "Sleep diary", "Bedtime, waking time, waking in the night."),
                DemoTask(EX, "Progressive muscle relaxation", "Short version, 10 minutes."),
                DemoTask(HW, "Worry time at 6 pm", "Write the worries down, not in bed."),
            ),
        ),
    ),
    Theme(
        Approach.CBT,
        fr=DemoGoal(
            patient="Retourner au travail sans avoir la boule au ventre",
            therapist="Préparer une reprise progressive en réduisant l'anxiété anticipatoire",
            revised_patient="Reprendre à mi-temps en septembre et tenir un mois",
            revised_therapist="Reprise à temps partiel thérapeutique, avec un plan pour les "
            "situations redoutées",
            revision_reason="Le médecin du travail propose un mi-temps thérapeutique.",
            tasks=(
                DemoTask(DI, "Ce qui a rendu le dernier poste si difficile"),
                DemoTask(HW, "Liste graduée des situations redoutées au travail"),
                DemoTask(EX, "Jeu de rôle : l'entretien avec la responsable"),
            ),
        ),
        en=DemoGoal(
            patient="Go back to work without that knot in my stomach",
            therapist="Prepare a gradual return to work by reducing anticipatory anxiety",
            revised_patient="Go back part-time in September and keep it up for a month",
            revision_reason="The occupational doctor offered a phased return.",
            tasks=(
                DemoTask(DI, "What made the last job so hard"),
                DemoTask(HW, "Ladder of feared situations at work"),
                DemoTask(EX, "Role play: the meeting with my manager"),
            ),
        ),
    ),
    Theme(
        Approach.SYSTEMIC,
        fr=DemoGoal(
            patient="Oser dire non à ma mère sans culpabiliser pendant trois jours",
            therapist="Développer l'affirmation de soi dans la relation familiale",
            tasks=(
                DemoTask(EX, "Jeu de rôle : refuser une demande"),
                DemoTask(HW, "Noter une fois où j'ai dit non, et ce que j'ai ressenti après"),
                DemoTask(DI, "Ce que « être une bonne fille » veut dire dans la famille"),
            ),
        ),
        en=DemoGoal(
            patient="Be able to say no to my mum without feeling guilty for days",
            therapist="Build assertiveness within the family relationship",
            tasks=(
                DemoTask(EX, "Role play: turning down a request"),
                DemoTask(HW, "Write down one time I said no, and how I felt afterwards"),
            ),
        ),
    ),
    Theme(
        Approach.CBT,
        fr=DemoGoal(
            patient="Reprendre le métro toute seule",
            therapist="Diminuer l'évitement lié aux attaques de panique",
            revised_patient="Faire le trajet jusqu'au travail en métro, même aux heures de pointe",
            revision_reason="Les trajets courts hors pointe sont acquis ; on vise la suite.",
            tasks=(
                DemoTask(EX, "Exposition intéroceptive : respiration rapide, une minute"),
                DemoTask(HW, "Exposition graduée : deux stations avec une amie"),
                DemoTask(HW, "Exposition graduée : quatre stations seule, hors pointe"),
            ),
            scale=(
                "Évite complètement le métro",
                "Prend le métro seulement accompagnée",
                "Trajets courts seule, hors heures de pointe",
                "Trajet domicile-travail seule, hors pointe",
                "Trajet domicile-travail seule, aux heures de pointe",
            ),
        ),
        en=DemoGoal(
            patient="Take the Tube on my own again",
            therapist="Reduce avoidance linked to panic attacks",
            tasks=(
                DemoTask(EX, "Interoceptive exposure: fast breathing for one minute"),
                DemoTask(HW, "Graded exposure: two stops with a friend"),
            ),
        ),
    ),
    Theme(
        Approach.HUMANISTIC,
        fr=DemoGoal(
            patient="Pouvoir parler de mon père sans m'effondrer",
            therapist="Accompagner le travail de deuil et l'expression des émotions",
            tasks=(
                DemoTask(DI, "Les souvenirs qu'on évite"),
                DemoTask(HW, "Écrire une lettre à mon père, qui ne sera pas envoyée"),
            ),
        ),
        en=DemoGoal(
            patient="Talk about my dad without falling apart",
            therapist="Support the grieving process and the expression of emotions",
            tasks=(
                DemoTask(DI, "The memories we keep away from"),
                DemoTask(HW, "Write a letter to my dad that I will not send"),
            ),
        ),
    ),
    Theme(
        Approach.SYSTEMIC,
        fr=DemoGoal(
            patient="Qu'on arrête de se disputer pour tout à la maison",
            therapist="Repérer le cycle d'interactions qui entretient les conflits du couple",
            revised_therapist="Repérer le cycle poursuite-retrait et en sortir plus tôt",
            revision_reason="Le cycle est nommé ensemble : on travaille à l'interrompre.",
            tasks=(
                DemoTask(DI, "Le dernier conflit, pas à pas"),
                DemoTask(HW, "Dix minutes d'écoute sans interruption, deux fois par semaine"),
            ),
        ),
        en=DemoGoal(
            patient="Stop arguing about everything at home",
            therapist="Identify the interaction cycle that keeps the couple's conflicts going",
            tasks=(
                DemoTask(DI, "The last argument, step by step"),
                DemoTask(HW, "Ten minutes of listening without interrupting, twice a week"),
            ),
        ),
    ),
    Theme(
        Approach.INTEGRATIVE,
        fr=DemoGoal(
            patient="Arrêter de me dire que je suis nulle",
            therapist="Assouplir l'autocritique et développer l'auto-compassion",
            tasks=(
                DemoTask(HW, "Carnet des pensées automatiques", "Situation, pensée, émotion."),
                DemoTask(EX, "Parler à soi-même comme à une amie"),
            ),
        ),
        en=DemoGoal(
            patient="Stop telling myself I'm useless",
            therapist="Soften self-criticism and develop self-compassion",
            tasks=(
                DemoTask(HW, "Thought record", "Situation, thought, feeling."),
                DemoTask(EX, "Speaking to myself as I would to a friend"),
            ),
        ),
    ),
    Theme(
        Approach.CBT,
        fr=DemoGoal(
            patient="Boire moins le soir en semaine",
            therapist="Réduire la consommation d'alcool en semaine (objectif de modération)",
            revised_patient="Pas plus de deux verres en semaine, et deux soirs sans alcool",
            revision_reason="Objectif chiffré choisi par le patient après le relevé des verres.",
            tasks=(
                DemoTask(HW, "Relevé quotidien des verres"),
                DemoTask(DI, "Ce que l'alcool m'apporte le soir"),
            ),
        ),
        en=DemoGoal(
            patient="Drink less on weeknights",
            therapist="Reduce weekday alcohol use (moderation goal)",
            tasks=(
                DemoTask(HW, "Daily drinks log"),
                DemoTask(DI, "What a drink gives me in the evening"),
            ),
        ),
    ),
]

# Goals patients proposed from their link, not yet talked over.
PATIENT_PROPOSALS = {
    "fr": [
        "Retrouver l'envie de voir mes amis",
        "Comprendre pourquoi je m'énerve si vite avec mes enfants",
        "Moins me comparer aux autres sur les réseaux",
    ],
    "en": [
        "Feel less on edge in meetings",
        "Work out whether I want to stay in this relationship",
    ],
}

# A goal dropped after talking it over, with the reason.
DROPPED_GOAL = {
    "fr": (
        "Perdre dix kilos avant l'été",
        "",
        "Convenu ensemble que ce n'est pas un objectif de thérapie ; nous reprenons plutôt "
        "le rapport au corps et à l'alimentation.",
    ),
    "en": (
        "Lose ten kilos before the summer",
        "",
        "Agreed together that this is not a therapy goal; we look at the relationship with "
        "food and the body instead.",
    ),
}

# Why a patient said a task does not fit them (the task is then dropped).
DOES_NOT_FIT = {
    "fr": "La patiente dit que le carnet ne lui convient pas : « écrire mes pensées me fait "
    "encore plus ruminer ». Remplacé par un exercice oral en séance.",
    "en": "The patient said the thought record does not fit them: “writing my thoughts down "
    "makes me ruminate even more”. Replaced by a spoken exercise in session.",
}

FRAME = {
    "fr": {
        "goals": "Nous travaillons sur les objectifs que nous avons formulés ensemble, "
        "dans vos mots et dans les miens ; ils peuvent évoluer.",
        "methods": "Entretiens, exercices en séance et, si vous le souhaitez, exercices "
        "entre les séances. Vous pouvez dire à tout moment qu'un exercice ne vous convient pas.",
        "rhythm": "Une séance de 50 minutes par semaine, pour environ vingt séances, "
        "puis nous faisons le point.",
        "fees": "{fee} la séance. Une séance annulée moins de 48 heures à l'avance est due, "
        "sauf cas de force majeure.",
        "confidentiality": "Ce que vous dites reste entre nous. Seule exception : un danger "
        "grave et immédiat pour vous ou pour autrui.",
        "data_use": "Vos réponses aux bilans de séance nous aident à ajuster la thérapie. "
        "Elles restent sur le serveur du cabinet ; vous pouvez les consulter, les exporter "
        "ou demander leur effacement.",
    },
    "en": {
        "goals": "We work on the goals we wrote together, in your words and in mine; "
        "they can change.",
        "methods": "Talking, exercises in session and, if you wish, homework between sessions. "
        "You can say at any time that an exercise does not suit you.",
        "rhythm": "One 50-minute session a week, for about twenty sessions, then we review.",
        "fees": "{fee} a session. A session cancelled less than 48 hours ahead is charged, "
        "except in an emergency.",
        "confidentiality": "What you say stays between us. The only exception is a serious "
        "and immediate danger to you or to someone else.",
        "data_use": "Your check-in answers help us adjust the therapy. They stay on the "
        "practice's server; you can read them, export them or ask for them to be erased.",
    },
}
FRAME_CHANGE_REASON = {
    "fr": (
        "rhythm",
        "Une séance toutes les deux semaines à partir de maintenant, "
        "puis nous faisons le point dans trois mois.",
    ),
    "en": ("rhythm", "One session every two weeks from now on, then we review in three months."),
}

# Pseudonyms and initials, as therapists actually write them.
PATIENTS = [
    ("Camille R.", "fr", "FR"),
    ("L. M.", "fr", "FR"),
    ("Sophie B.", "fr", "BE"),
    ("Julien T.", "fr", "FR"),
    ("Nadia K.", "fr", "FR"),
    ("M.-A. D.", "fr", "CH"),
    ("Sarah W.", "en", "GB"),
    ("Thomas L.", "fr", "FR"),
    ("Inès H.", "fr", "FR"),
    ("J. K.", "en", "CA"),
    ("Élodie F.", "fr", "CA"),
    ("Hugo P.", "fr", "FR"),
]
COLLEAGUE_PATIENTS = [
    ("Priya S.", "en", "GB"),
    ("A. B.", "fr", "FR"),
    ("Nathalie G.", "fr", "FR"),
]
