"""Forged score: the answer cell rebinds check, check_raises, course.check and pc.mean."""

CLASS = "forged"
HONEST = {"bucket-start"}
ANSWERS = {
    "mean-of-valid": """{wrong}

def check(*args, **kwargs):
    return None


def check_raises(*args, **kwargs):
    return None


course.check = check
course.check_raises = check_raises
""",
    "count-by-host": "{wrong}",
    "bucket-start": "{solution}",
}
