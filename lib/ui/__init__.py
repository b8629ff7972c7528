"""The Streamlit layer's shared pieces: the only part of lib that imports streamlit."""
