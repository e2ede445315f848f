"""REFI-QDA project exchange (``.qdpx``): the standard MAXQDA, ATLAS.ti, NVivo and QualCoder read and write.

``export.write_qdpx`` writes one; ``import_.import_qdpx`` reads one into a
database in one transaction; ``archive`` opens the zip defensively.
"""
