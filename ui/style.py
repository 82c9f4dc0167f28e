"""The app's look: a few rules on top of the platform style (chat bubbles, chips, banners)."""

STYLE = """
#userBubble { background: #6d5dfc; color: white; border-radius: 10px; padding: 8px 12px; }
#reverieBubble { background: palette(alternate-base); border-radius: 10px; padding: 8px 12px; }
#answerView[abstained="true"] #reverieBubble { color: palette(mid); font-style: italic; }
#answerStatus, #hint { color: palette(mid); font-size: 11px; }
#citationChip { border: 1px solid #6d5dfc; border-radius: 10px; padding: 2px 10px;
                color: #4b3fd6; background: transparent; }
#citationChip:hover { background: #efedff; }
#welcomeBanner { background: #eef9fa; border: 1px solid #2bb3c0; border-radius: 8px; }
#dropZone { border: 2px dashed palette(mid); border-radius: 10px; padding: 12px; }
#detailTitle { font-weight: bold; }
"""
