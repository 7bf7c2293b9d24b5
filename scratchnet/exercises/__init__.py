"""Gradient-check exercises: write a layer's backward yourself and be told whether, and how, it is wrong.

``scratchnet exercises init DIR`` writes the skeletons (:mod:`~scratchnet.exercises.templates`),
``scratchnet exercises check DIR`` runs the checks in book order
(:mod:`~scratchnet.exercises.runner`), and :mod:`~scratchnet.exercises.diagnosis` says what
kind of wrong a gradient is.
"""
