"""The pure scientific core of Alliance: no Django, no I/O beyond what is asked.

Plain functions over plain data (dataclasses, NumPy arrays), usable from a
notebook::

    from alliance.science import instruments, scoring

Sub-modules:

- ``instruments``: the instrument definition format, the shipped instruments
  and scoring keys, YAML and FHIR import/export;
- ``scoring``: scoring single responses and whole tables;
- ``reliability``: Cronbach's alpha and McDonald's omega;
- ``change``: reliable change, clinical significance, sudden gains and losses;
- ``goals``: Goal Attainment Scaling;
- ``signals``: rupture and disagreement detection on a patient's trajectory;
- ``transcripts``: transcript parsing, utterance coding and session indicators.
"""
