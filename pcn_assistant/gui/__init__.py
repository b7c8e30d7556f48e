"""The Qt shell: windows, item models and workers. It calls services, never SQL."""
