"""View models of the chat page: plain typed data built from the library's results, tested without Streamlit.

``patient`` — the loaded patient (who, which file, newest fact) and uploads; ``facts`` — what a message
stated and what was not used or not understood; ``verdicts`` — the verdict rows, downloads and worksheet;
``schedule`` — schedule rows, the timeline chart and the calendar; ``ingest`` — protocols added from the page.
"""
