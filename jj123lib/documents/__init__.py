"""The 公文 (.docx): GB/T 9704 layout and each document's content."""
