namespace StreamingAnchor.Recipes;

/// <summary>The stages of a recipe, in order; mining and fine-tuning repeat once per mining round.</summary>
public enum RecipeStage
{
    /// <summary>`sal synth`: the corpus.</summary>
    Synth,

    /// <summary>`sal train`: the base model.</summary>
    Train,

    /// <summary>`sal mine`: the current model's false alarms on the train split's negatives, cut into hard negatives.</summary>
    Mine,

    /// <summary>`sal train --init-from --hard-negatives`: a short fine-tune of the current model with every round's windows.</summary>
    FineTune,

    /// <summary>`sal eval`: the selected model streamed over the test split.</summary>
    Eval,

    /// <summary>`sal export --raw-audio`: the ONNX graph and its model card.</summary>
    Export,
}
