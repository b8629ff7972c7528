"""Kaishu: receivables collection and recovery. The domain and the storage, free of Streamlit."""
