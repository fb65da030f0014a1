"""The synthetic demo clinic (SPEC §8 demo mode): clinicians, patients and their courses.

`generator.build_demo_clinic` lays out every record from a seed and an anchor day; nothing
here reads the wall clock or the global random generator, so a demo can be rebuilt exactly.
"""
