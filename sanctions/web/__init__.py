"""The one public web page: verification of an issued letter (`sanctions serve`)."""
