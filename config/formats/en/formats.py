# Dates as readers write them, "March 3, 2027"; Spanish keeps Django's "3 de marzo de 2027".
DATE_FORMAT = "F j, Y"
