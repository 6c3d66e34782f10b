"""Phone and text links that work on every phone: digits only, whatever the display spelling."""


def digits(number):
    return "".join(ch for ch in number if ch.isdigit())


def tel_href(number):
    return "tel:" + digits(number)


def sms_href(number, keyword=""):
    href = "sms:" + digits(number)
    return f"{href}?&body={keyword}" if keyword else href
