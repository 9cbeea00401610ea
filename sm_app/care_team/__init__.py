"""care_team"""
